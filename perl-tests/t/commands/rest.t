# REST (spec commands.md 2.3; RFC 3659 5). Replies are 1.3.8's, measured
# through the compat shim.
use strict;
use warnings;
use Cwd qw(realpath);
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Test::More;
use ProFTPD::TestServer;
use ProFTPD::DataConn qw(retr stor login);
use ProFTPD::Files qw(put_file read_file);

my $srv = ProFTPD::TestServer->demo(config => "AllowOverwrite on\nAllowStoreRestart on\n"
    . "TransferLog NONE\n");
my $home = realpath($srv->home('demo'));
put_file("$home/f", '0123456789');
my $c = $srv->raw;
$c->banner;
is($c->cmd('REST 1'), "530 Please login with USER and PASS\r\n", 'before login');
$c->login('demo', 'demo');
is($c->cmd('HELP REST'), "214 Syntax: REST <sp> byte-count\r\n", 'HELP REST');
like($c->cmd('FEAT'), qr/\r\n REST STREAM\r\n/, 'FEAT lists REST STREAM');

# TYPE A (the default): only 0.
is($c->cmd('REST 5'), "501 REST: Resuming transfers not allowed in ASCII mode\r\n", 'ASCII');
is($c->cmd('REST 0'), "350 Restarting at 0. Send STORE or RETRIEVE to initiate transfer\r\n",
    'REST 0 in ASCII');
$c->cmd('TYPE I');
my $ok = sub { "350 Restarting at $_[0]. Send STORE or RETRIEVE to initiate transfer\r\n" };
my $bad = "501 REST requires a value greater than or equal to 0\r\n";
for my $t (
    ['REST', "500 'REST' not understood\r\n"],
    ['REST 1 2', "500 'REST 1 2' not understood\r\n"],
    ['REST -1', $bad],
    ['REST x', $bad],
    ['REST 1x', $bad],
    ['REST 0x10', $bad],
    ['REST +5', $ok->(5)],
    ['REST  5', $ok->(5)],
    ['REST 99999999999999999999999', $ok->('18446744073709551615')],
    ['REST 9223372036854775808', $ok->('9223372036854775808')],
    ['REST 4', $ok->(4)],
) {
    is($c->cmd($t->[0]), $t->[1], $t->[0]);
}

# The offset belongs to the next transfer: NOOP and ABOR keep it (measured).
is($c->cmd('NOOP'), "200 NOOP command successful\r\n", 'NOOP');
is($c->cmd('ABOR'), "226 Abort successful\r\n", 'ABOR');
is((retr($c, 'RETR f'))[1], '456789', 'RETR from 4');
is((retr($c, 'RETR f'))[1], '0123456789', 'then from 0');

# REST + STOR: written at the offset, nothing truncated.
$c->cmd('REST 2');
is((stor($c, 'STOR f', 'AB'))[1], "226 Transfer complete\r\n", 'REST + STOR');
is(read_file("$home/f"), '01AB456789', 'written in place');
$c->cmd('REST 10');
is((stor($c, 'STOR f', 'Z'))[1], "226 Transfer complete\r\n", 'REST at the end');
is(read_file("$home/f"), '01AB456789Z', 'appended');
$c->cmd('REST 20');
is((stor($c, 'STOR f', 'Z'))[0], "554 REST: invalid f argument\r\n", 'REST beyond the end');

# Offsets past 2^63 are negative for 1.3.8's off_t: no offset (measured).
$c->cmd('REST 18446744073709551615');
is((retr($c, 'RETR f'))[0], "150 Opening BINARY mode data connection for f (11 bytes)\r\n",
    'a huge REST acts as none');
done_testing;
