# RANG (spec commands.md 2.3; draft-bryan-ftp-range). Replies are 1.3.8's,
# measured through the compat shim.
use strict;
use warnings;
use Cwd qw(realpath);
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Test::More;
use ProFTPD::TestServer;
use ProFTPD::DataConn qw(retr login);
use ProFTPD::Files qw(put_file);

my $srv = ProFTPD::TestServer->demo(config => "TransferLog NONE\n");
my $home = realpath($srv->home('demo'));
put_file("$home/a", "0123456789\n");
my $c = $srv->raw;
$c->banner;
is($c->cmd('RANG 1 2'), "530 Please login with USER and PASS\r\n", 'before login');
$c->login('demo', 'demo');
is($c->cmd('HELP RANG'), "214 Syntax: RANG <sp> start-point <sp> end-point\r\n", 'HELP RANG');
like($c->cmd('FEAT'), qr/\r\n RANG STREAM\r\n/, 'FEAT lists RANG STREAM');

my $ascii = "551 RANG: Transfer ranges not allowed in ASCII mode\r\n";
my $bad = "501 RANG requires a value greater than or equal to 0\r\n";
for my $t (
    ['RANG', "500 'RANG' not understood\r\n"],
    ['RANG 1', "500 'RANG 1' not understood\r\n"],
    ['RANG 1 2 3', "500 'RANG 1 2 3' not understood\r\n"],
    ['RANG a b', $bad],
    ['RANG -1 3', $bad],
    ['RANG 3 1', "501 RANG start must be less than end\r\n"],
    ['RANG 2 2', $ascii],
    ['RANG 0 0', $ascii],
    ['RANG 1 0', "350 Reset byte transfer range\r\n"],
) {
    is($c->cmd($t->[0]), $t->[1], "ASCII: $t->[0]");
}
$c->cmd('TYPE I');
my $range = sub { my ($n, $s) = @_; "350 Transferring byte range of $n byte" . ($n eq '1' ? '' : 's')
    . " starting from $s\r\n" };
for my $t (
    ['RANG 2 5', $range->(4, 2)],
    ['RANG 10 10', $range->(1, 10)],
    ['RANG +1 +5', $range->(5, 1)],
    ['RANG 1 99999999999999999999999', "501 RANG start must be less than end\r\n"],
    ['RANG 99999999999999999999 99999999999999999999999', $range->(1, '18446744073709551615')],
) {
    is($c->cmd($t->[0]), $t->[1], $t->[0]);
}

for my $t (
    ['RANG 2 5', '2345', 4],
    ['RANG 0 5', '012345', 6],
    ['RANG 3 10', "3456789\n", 8],
    ['RANG 10 10', "\n", '1'],
    ['RANG 0 11', "0123456789\n", 11],
) {
    $c->cmd($t->[0]);
    my $unit = $t->[2] eq '1' ? 'byte' : 'bytes';
    is_deeply([retr($c, 'RETR a')],
        ["150 Opening BINARY mode data connection for a ($t->[2] $unit)\r\n", $t->[1],
         "226 Transfer complete\r\n"], "$t->[0] then RETR");
}
is((retr($c, 'RETR a'))[1], "0123456789\n", 'the range was for one transfer');
$c->cmd('RANG 3 11');
is((retr($c, 'RETR a'))[0], "554 a: invalid RANG argument\r\n", 'end past the file (measured)');
$c->cmd('RANG 20 100');
is((retr($c, 'RETR a'))[0], "554 RANG: invalid a argument\r\n", 'start past the file (measured)');
$c->cmd('RANG 2 5');
$c->cmd('RANG 1 0');
is((retr($c, 'RETR a'))[1], "0123456789\n", 'RANG 1 0 resets');
$c->cmd('RANG 2 5');
$c->cmd('REST 1');
is((retr($c, 'RETR a'))[1], "123456789\n", 'a later REST replaces the range');
$c->cmd('REST 1');
$c->cmd('RANG 2 5');
is((retr($c, 'RETR a'))[1], '2345', 'a later RANG replaces the REST');
$c->cmd('RANG 2 5');
$c->cmd('TYPE A');
is_deeply([retr($c, 'RETR a')],
    ["150 Opening ASCII mode data connection for a (4 bytes)\r\n", '2345',
     "226 Transfer complete\r\n"], 'a range set in TYPE I also applies in TYPE A');
done_testing;
