# PASV (spec/commands.md 2.3): 227 Entering Passive Mode (h1,h2,h3,h4,p1,p2).
# with MasqueradeAddress, PassivePorts and EPSV ALL; the listener really
# listens. Every expectation was checked against 1.3.8.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use IO::Socket::INET;
use Test::More;
use ProFTPD::TestServer;

# The port of a 227 reply, or undef.
sub pasv_port {
    my ($reply, $host) = @_;
    $host //= '127,0,0,1';
    return undef unless defined $reply
        && $reply =~ /\A227 Entering Passive Mode \(\Q$host\E,(\d+),(\d+)\)\.\r\n\z/;
    return $1 * 256 + $2;
}

my $srv = ProFTPD::TestServer->demo;
my $c = $srv->raw;
$c->banner;
is($c->cmd('PASV'), "530 Please login with USER and PASS\r\n", 'before login');
$c->login('demo', 'demo');
my $r = $c->cmd('PASV');
my $port = pasv_port($r);
ok(defined $port, 'PASV: 227 with the control address') or diag $r;
my $d = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port, Timeout => 5);
ok($d, 'something listens on the announced port');
close $d if $d;
my $port2 = pasv_port($c->cmd('pasv'));
ok(defined $port2, 'a second PASV (lower case) gets a new 227');
is($c->cmd('PASV x'), "501 Invalid number of parameters\r\n", 'PASV with an argument');
is($c->cmd('EPSV ALL'), "200 EPSV ALL command successful\r\n", 'EPSV ALL');
is($c->cmd('PASV'), "500 Illegal PASV command, EPSV ALL in effect\r\n", 'PASV after EPSV ALL');
is($c->cmd('PASV x'), "500 Illegal PASV command, EPSV ALL in effect\r\n",
    'EPSV ALL is checked before the arguments');
is($c->cmd('QUIT'), "221 Goodbye.\r\n", 'QUIT');

# MasqueradeAddress changes what PASV (and the banner) show, not where it
# listens; one that does not resolve is ignored (measured).
my $masq = ProFTPD::TestServer->demo(config => "MasqueradeAddress 1.2.3.4\n");
$c = $masq->raw;
is($c->banner, "220 ProFTPD Server (T) [1.2.3.4]\r\n", 'banner shows MasqueradeAddress');
$c->login('demo', 'demo');
$port = pasv_port($c->cmd('PASV'), '1,2,3,4');
ok(defined $port, 'PASV shows MasqueradeAddress');
$d = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port, Timeout => 5);
ok($d, 'but listens locally');
close $d if $d;
like($c->cmd('EPSV'), qr/\A229 Entering Extended Passive Mode \(\|\|\|\d+\|\)\r\n\z/,
    'EPSV does not use MasqueradeAddress');
$c->cmd('QUIT');

my $bad = ProFTPD::TestServer->demo(config => "MasqueradeAddress nonexistent.invalid\n");
$c = $bad->raw;
is($c->banner, "220 ProFTPD Server (T) [127.0.0.1]\r\n", 'unresolvable masquerade: own address');
$c->login('demo', 'demo');
ok(defined pasv_port($c->cmd('PASV')), 'unresolvable masquerade: PASV shows the local address');
$c->cmd('QUIT');

# PassivePorts: the port is in the range; when the range is taken, 1.3.8
# falls back to any port (and logs it) rather than failing.
my $lo = 20000 + int(rand(20000));
my $range = ProFTPD::TestServer->demo(config => "PassivePorts $lo " . ($lo + 1) . "\n");
$c = $range->raw;
$c->banner;
$c->login('demo', 'demo');
$port = pasv_port($c->cmd('PASV'));
ok(defined $port && ($port == $lo || $port == $lo + 1), "PASV port in PassivePorts $lo-" . ($lo + 1))
    or diag "port " . ($port // 'none');
$c->cmd('QUIT');
my @held = map {
    IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => $_, Listen => 1, ReuseAddr => 1)
} ($lo, $lo + 1);
SKIP: {
    skip 'could not hold the PassivePorts range', 1 if grep { !defined } @held;
    $c = $range->raw;
    $c->banner;
    $c->login('demo', 'demo');
    $port = pasv_port($c->cmd('PASV'));
    ok(defined $port && $port != $lo && $port != $lo + 1, 'full range: PASV still answers 227 (another port)');
    $c->cmd('QUIT');
}

# Net::FTP in passive mode, through a listing (needs the data channel and
# mod_ls).
my $ftp = $srv->ftp(Passive => 1);
$ftp->login('demo', 'demo') or die $ftp->message;
open(my $fh, '>', $srv->home('demo') . '/pasv.txt') or die $!;
close $fh;
my @names = $ftp->ls;
ok((grep { $_ eq 'pasv.txt' } @names), 'Net::FTP passive NLST lists the file');
$ftp->quit;
done_testing;
