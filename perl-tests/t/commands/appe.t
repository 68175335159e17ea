# APPE (spec commands.md 2.4). Replies are 1.3.8's, measured through the
# compat shim.
use strict;
use warnings;
use Cwd qw(realpath);
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Test::More;
use ProFTPD::TestServer;
use ProFTPD::DataConn qw(stor login);
use ProFTPD::Files qw(put_file read_file);

my $srv = ProFTPD::TestServer->demo(config => "TransferLog NONE\n");
my $home = realpath($srv->home('demo'));
put_file("$home/old", 'old');
my $c = $srv->raw;
$c->banner;
is($c->cmd('APPE x'), "530 Please login with USER and PASS\r\n", 'before login');
$c->login('demo', 'demo');
$c->cmd('TYPE I');
is($c->cmd('APPE'), "500 'APPE' not understood\r\n", 'no argument');
is_deeply([stor($c, 'APPE new', 'more')],
    ["150 Opening BINARY mode data connection for new\r\n", "226 Transfer complete\r\n"], 'a new file');
is(read_file("$home/new"), 'more', 'created');
is((stor($c, 'APPE old', 'x'))[0], "451 old: Append/Restart not permitted, try again\r\n",
    'an existing file needs AllowStoreRestart');
is(read_file("$home/old"), 'old', 'untouched');
$c->cmd('REST 2');
is((stor($c, 'APPE new5', 'QQ'))[0], "554 REST: invalid new5 argument\r\n", 'REST beyond the end');
is($c->cmd('QUIT'), "221 Goodbye.\r\n", 'QUIT');
$srv->stop;

# AllowStoreRestart on (AllowOverwrite still off: APPE is no overwrite).
$srv = ProFTPD::TestServer->demo(config => "AllowStoreRestart on\nTransferLog NONE\n");
$home = realpath($srv->home('demo'));
put_file("$home/f", '0123');
$c = login($srv);
$c->cmd('TYPE I');
is((stor($c, 'APPE f', '45'))[1], "226 Transfer complete\r\n", 'append');
is(read_file("$home/f"), '012345', 'appended');
is((stor($c, 'APPE f', "a\r\n"))[1], "226 Transfer complete\r\n", 'again');
is(read_file("$home/f"), "012345a\r\n", 'binary kept CRLF');
$c->cmd('TYPE A');
is((stor($c, 'APPE f', "b\r\n"))[0], "150 Opening ASCII mode data connection for f\r\n", 'ASCII');
is(read_file("$home/f"), "012345a\r\nb\n", 'ASCII translated');
$c->cmd('TYPE I');
$c->cmd('REST 2');
is((stor($c, 'APPE f', 'YY'))[1], "226 Transfer complete\r\n", 'REST then APPE');
is(read_file("$home/f"), "01YY45a\r\nb\n", 'written at the offset, not at the end (measured)');
is($c->cmd('RANG 1 2'), "350 Transferring byte range of 2 bytes starting from 1\r\n", 'RANG');
is((stor($c, 'APPE f', 'x'))[0], "550 APPE incompatible with RANG\r\n", 'APPE after RANG');
done_testing;
