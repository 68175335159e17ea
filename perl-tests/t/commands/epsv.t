# EPSV [1|2|ALL] (spec/commands.md 2.3, RFC 2428): 229 Entering Extended
# Passive Mode (|||port|); EPSV ALL refuses PORT, PASV and EPRT afterwards.
# Every expectation was checked against 1.3.8.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use IO::Socket::INET;
use Test::More;
use ProFTPD::TestServer;

my $EPSV = qr/\A229 Entering Extended Passive Mode \(\|\|\|(\d+)\|\)\r\n\z/;

# The harness config says UseIPv6 off: only family 1.
my $srv = ProFTPD::TestServer->demo;
my $c = $srv->raw;
$c->banner;
is($c->cmd('EPSV'), "530 Please login with USER and PASS\r\n", 'before login');
$c->login('demo', 'demo');
my $r = $c->cmd('EPSV');
like($r, $EPSV, 'EPSV');
my ($port) = $r =~ $EPSV;
my $d = $port && IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port, Timeout => 5);
ok($d, 'something listens on the announced port');
close $d if $d;
like($c->cmd('EPSV 1'), $EPSV, 'EPSV 1');
like($c->cmd('EPSV 01'), $EPSV, 'EPSV 01 (strtol)');
like($c->cmd('EPSV +1'), $EPSV, 'EPSV +1 (strtol)');
like($c->cmd('EPSV 1 2'), $EPSV, 'two words: the connection family');
is($c->cmd('EPSV 2'), "522 Network protocol not supported, use (1)\r\n", 'EPSV 2 without IPv6');
is($c->cmd('EPSV 3'), "522 Network protocol not supported, use (1)\r\n", 'EPSV 3');
is($c->cmd('EPSV 0'), "522 Network protocol not supported, use (1)\r\n", 'EPSV 0');
is($c->cmd('EPSV -1'), "522 Network protocol not supported, use (1)\r\n", 'EPSV -1');
is($c->cmd('EPSV x'), "501 EPSV: unknown network protocol\r\n", 'EPSV x');
is($c->cmd('epsv 1x'), "501 EPSV: unknown network protocol\r\n", 'EPSV 1x (lower case verb)');
is($c->cmd('EPSV all'), "200 EPSV ALL command successful\r\n", 'EPSV all');
is($c->cmd('PORT 127,0,0,1,4,1'), "500 Illegal PORT command, EPSV ALL in effect\r\n",
    'PORT after EPSV ALL');
is($c->cmd('PASV'), "500 Illegal PASV command, EPSV ALL in effect\r\n", 'PASV after EPSV ALL');
is($c->cmd('EPRT |1|127.0.0.1|1025|'), "500 Illegal EPRT command, EPSV ALL in effect\r\n",
    'EPRT after EPSV ALL');
is($c->cmd('EPRT'), "500 Illegal EPRT command, EPSV ALL in effect\r\n",
    'EPSV ALL is checked before the arguments');
like($c->cmd('EPSV'), $EPSV, 'EPSV itself still works');
is($c->cmd('QUIT'), "221 Goodbye.\r\n", 'QUIT');

# With UseIPv6 on, family 2 is understood even on an IPv4 connection.
my $v6 = ProFTPD::TestServer->demo(config => "UseIPv6 on\n");
$c = $v6->raw;
$c->banner;
$c->login('demo', 'demo');
like($c->cmd('EPSV 2'), $EPSV, 'EPSV 2 with UseIPv6 on');
is($c->cmd('EPSV 3'), "522 Network protocol not supported, use (1,2)\r\n", 'EPSV 3 offers (1,2)');
$c->cmd('QUIT');
done_testing;
