# EPRT |proto|addr|port| (spec/commands.md 2.3, RFC 2428): any delimiter,
# no FTP bounce, 522 for protocols we do not speak. Every expectation was
# checked against 1.3.8.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Test::More;
use ProFTPD::TestServer;

my $srv = ProFTPD::TestServer->demo;    # UseIPv6 off
my $c = $srv->raw;
$c->banner;
is($c->cmd('EPRT |1|127.0.0.1|1025|'), "530 Please login with USER and PASS\r\n", 'before login');
$c->login('demo', 'demo');
my $ok = '200 EPRT command successful';
my $no = '522 Network protocol not supported, use (1)';
my @cases = (
    ['EPRT |1|127.0.0.1|1025|',        $ok, 'EPRT'],
    ['eprt !1!127.0.0.1!1025!',        $ok, 'any delimiter, lower case'],
    ['EPRT |1|127.0.0.1|1025|extra',   $ok, 'junk after the last delimiter'],
    ['EPRT |01|127.0.0.1|01025|',      $ok, 'leading zeros'],
    ['EPRT |1|127.0.0.1|66561|',       $ok, 'the port is kept in 16 bits'],
    ['EPRT |1|127.0.0.2|1025|',        '500 Illegal EPRT command', 'another host (FTP bounce)'],
    ['EPRT |1|127.0.0.1|1023|',        '500 Illegal EPRT command', 'port 1023'],
    ['EPRT |1|127.0.0.1|0|',           '500 Illegal EPRT command', 'port 0'],
    ['EPRT |1|127.0.0.1||',            '500 Illegal EPRT command', 'no port'],
    ['EPRT |2|::1|1025|',              $no, 'IPv6 without UseIPv6'],
    ['EPRT |3|127.0.0.1|1025|',        $no, 'protocol 3'],
    ['EPRT garbage',                   $no, 'garbage'],
    ['EPRT |1|127.0.0.1|1025',         '501 Illegal EPRT command', 'no final delimiter'],
    ['EPRT |1|127.0.0.1|x|',           '501 Illegal EPRT command', 'port not a number'],
    ['EPRT |1|127.0.0.1|-1|',          '501 Illegal EPRT command', 'negative port'],
    ['EPRT |+1|127.0.0.1|1025|',       '501 Illegal EPRT command', 'a sign before the protocol'],
    ['EPRT |1|127.0.0.01|1025|',       '501 Illegal EPRT command', 'inet_pton refuses leading zeros'],
    ['EPRT |1|127.1|1025|',            '501 Illegal EPRT command', 'short address'],
    ['EPRT |1||1025|',                 '501 Illegal EPRT command', 'empty address'],
    ["EPRT |1|12\xff.0.0.1|1025|",     '501 Illegal EPRT command', 'non-ASCII address'],
    ['EPRT',                           '501 Invalid number of parameters', 'no argument'],
    ['EPRT | 1|127.0.0.1|1025|',       '501 Invalid number of parameters', 'two words'],
);
for my $t (@cases) {
    is($c->cmd($t->[0]), "$t->[1]\r\n", $t->[2]);
}
is($c->cmd('QUIT'), "221 Goodbye.\r\n", 'QUIT');

# UseIPv6 on: protocol 2 is parsed; an IPv4-mapped address is the client.
my $v6 = ProFTPD::TestServer->demo(config => "UseIPv6 on\n");
$c = $v6->raw;
$c->banner;
$c->login('demo', 'demo');
is($c->cmd('EPRT |2|::ffff:127.0.0.1|1025|'), "$ok\r\n", 'mapped address of the client');
is($c->cmd('EPRT |2|::1|1025|'), "500 Illegal EPRT command\r\n", '::1 is another host');
is($c->cmd('EPRT |2|[::1]|1025|'), "501 Illegal EPRT command\r\n", 'brackets');
is($c->cmd('EPRT |3|::1|1025|'), "522 Network protocol not supported, use (1,2)\r\n",
    'protocol 3 offers (1,2)');
$c->cmd('QUIT');
done_testing;
