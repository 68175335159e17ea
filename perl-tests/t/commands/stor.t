# STOR (spec commands.md 2.4). Replies are 1.3.8's, measured through the
# compat shim.
use strict;
use warnings;
use Cwd qw(realpath);
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Test::More;
use ProFTPD::TestServer;
use ProFTPD::DataConn qw(data_conn stor login);
use ProFTPD::Files qw(put_file read_file);

my $srv = ProFTPD::TestServer->demo(config => "TransferLog {dir}/xfer.log\n");
my $home = realpath($srv->home('demo'));
mkdir "$home/d";
mkdir "$home/ro", 0555;
chown((stat $home)[4, 5], "$home/d", "$home/ro") if ProFTPD::TestServer::is_root();

my $c = $srv->raw;
$c->banner;
is($c->cmd('STOR x'), "530 Please login with USER and PASS\r\n", 'before login');
$c->login('demo', 'demo');

is_deeply([stor($c, 'STOR asc', "abc\r\ndef\r\nx\ry\r")],
    ["150 Opening ASCII mode data connection for asc\r\n", "226 Transfer complete\r\n"],
    'ASCII (the default)');
is(read_file("$home/asc"), "abc\ndef\nx\ry\r", 'CRLF became LF, lone CRs kept');
is($c->cmd('TYPE I'), "200 Type set to I\r\n", 'TYPE I');
is_deeply([stor($c, 'STOR new', "abc\r\ndef\n")],
    ["150 Opening BINARY mode data connection for new\r\n", "226 Transfer complete\r\n"], 'binary');
is(read_file("$home/new"), "abc\r\ndef\n", 'stored as sent');
is(sprintf('%o', (stat "$home/new")[2] & 07777), '644', 'mode 0666 & ~Umask (022)');

is((stor($c, 'STOR new', 'zzz'))[0], "550 new: Overwrite permission denied\r\n",
    'AllowOverwrite is off by default');
is(read_file("$home/new"), "abc\r\ndef\n", 'not truncated');
is((stor($c, 'STOR d', 'zzz'))[0], "550 d: Overwrite permission denied\r\n",
    'a directory: the overwrite check first (measured)');
is($c->cmd('STOR'), "500 'STOR' not understood\r\n", 'no argument');
is((stor($c, 'STOR nodir/x', 'z'))[0], "550 nodir/x: No such file or directory\r\n", 'no such directory');
is((stor($c, 'STOR ro/x', 'z'))[0], "550 ro/x: Permission denied\r\n", 'unwritable directory');
is((stor($c, "STOR $home/abs", 'abs'))[1], "226 Transfer complete\r\n", 'absolute path');
is(read_file("$home/abs"), 'abs', 'stored');

$c->cmd('REST 2');
is((stor($c, 'STOR new3', 'QQ'))[0], "554 REST: invalid new3 argument\r\n",
    'REST beyond the end of a new file (measured)');
ok(-e "$home/new3", '1.3.8 created it first');
$c->cmd('REST 2');
is((stor($c, 'STOR new', 'QQ'))[0], "550 new: Overwrite permission denied\r\n",
    'REST over an existing file: the overwrite check first (measured)');

# No data connection: the file is opened (created) first (measured).
my $closed = ProFTPD::TestServer::free_port();
$c->cmd(sprintf('PORT 127,0,0,1,%d,%d', $closed >> 8, $closed & 255));
is($c->cmd('STOR fail425'), "425 Unable to build data connection: Connection refused\r\n", 'no data connection: 425');
ok(-e "$home/fail425", 'created before the data connection');
is($c->cmd('DELE new'), "250 DELE command successful\r\n", 'DELE');
is($c->cmd('QUIT'), "221 Goodbye.\r\n", 'QUIT');
$srv->stop;

my @log = map { (split / /, $_, 6)[5] } split /\n/, (read_file($srv->dir . '/xfer.log') // '');
like($log[0], qr{^0 \S+ 12 \Q$home\E/asc a _ i r demo ftp 0 \* c$},
    'xferlog: file-side bytes of an ASCII upload');
like($log[1], qr{^0 \S+ 9 \Q$home\E/new b _ i r demo ftp 0 \* c$}, 'xferlog: binary upload');
like($log[-2], qr{^0 \S+ 0 \Q$home\E/fail425 b _ i r demo ftp 0 \* i$}, 'xferlog: the 425');
like($log[-1], qr{^0 \S+ 9 \Q$home\E/new b _ d r demo ftp 0 \* c$}, 'xferlog: DELE, direction d');

# AllowOverwrite on.
$srv = ProFTPD::TestServer->demo(config => "AllowOverwrite on\nTransferLog NONE\n");
$home = realpath($srv->home('demo'));
put_file("$home/f", '0123456789');
mkdir "$home/d";
$c = login($srv);
$c->cmd('TYPE I');
is((stor($c, 'STOR f', 'new'))[1], "226 Transfer complete\r\n", 'overwrite');
is(read_file("$home/f"), 'new', 'replaced');
is((stor($c, 'STOR d', 'x'))[0], "550 d: Not a regular file\r\n", 'a directory');
$c->cmd('REST 1');
is((stor($c, 'STOR f', 'x'))[0], "451 f: Append/Restart not permitted, try again\r\n",
    'REST needs AllowStoreRestart');
$srv->stop;

# HiddenStores: the upload never appears under its final name until done.
$srv = ProFTPD::TestServer->demo(config => "HiddenStores on\nTransferLog NONE\n");
$home = realpath($srv->home('demo'));
put_file("$home/.in.h.", '');
$c = login($srv);
$c->cmd('TYPE I');
my $d = data_conn($c);
is($c->cmd('STOR up'), "150 Opening BINARY mode data connection for up\r\n", 'hidden store');
syswrite($d, 'a' x 1000);
my $seen;
for (1 .. 100) { last if ($seen = -e "$home/.in.up."); select(undef, undef, undef, 0.02) }
ok($seen, 'written as .in.up.');
ok(!-e "$home/up", 'not under the final name yet');
syswrite($d, 'b' x 1000);
close $d;
is($c->reply, "226 Transfer complete\r\n", 'done');
ok(-e "$home/up" && !-e "$home/.in.up.", 'renamed into place');
is(length(read_file("$home/up") // ''), 2000, 'every byte');
is((stor($c, 'STOR h', 'x'))[0], "550 h: Temporary hidden file $home/.in.h. already exists\r\n",
    'a leftover temporary name');
$srv->stop;

$srv = ProFTPD::TestServer->demo(config => "HiddenStores .up.\nTransferLog NONE\n");
$home = realpath($srv->home('demo'));
$c = login($srv);
$d = data_conn($c);
$c->cmd('STOR up');
syswrite($d, 'a' x 10);
for (1 .. 100) { last if -e "$home/.up.up."; select(undef, undef, undef, 0.02) }
ok(-e "$home/.up.up.", 'a custom prefix');
close $d;
is($c->reply, "226 Transfer complete\r\n", 'done');
$srv->stop;

# MaxStoreFileSize: stopped mid-transfer, the file cut back.
$srv = ProFTPD::TestServer->demo(config => "MaxStoreFileSize 1 Kb\nTransferLog NONE\n");
$home = realpath($srv->home('demo'));
$c = login($srv);
$c->cmd('TYPE I');
is_deeply([stor($c, 'STOR big', 'x' x 2000)],
    ["150 Opening BINARY mode data connection for big\r\n", "552 Transfer aborted. File too large\r\n"],
    'MaxStoreFileSize');
is(-s "$home/big", 0, 'nothing kept (measured)');
is((stor($c, 'STOR ok', 'x' x 1024))[1], "226 Transfer complete\r\n", 'at the limit');
$srv->stop;

# A full disk (root: an 8 MiB tmpfs).
SKIP: {
    skip 'needs root (tmpfs mount)', 4 unless ProFTPD::TestServer::is_root();
    $srv = ProFTPD::TestServer->demo(config => "TransferLog NONE\n");
    $home = realpath($srv->home('demo'));
    mkdir "$home/full";
    skip 'cannot mount a tmpfs here', 4
        unless system('mount', '-t', 'tmpfs', '-o', 'size=8m,mode=0777', 'tmpfs', "$home/full") == 0;
    $c = login($srv);
    $c->cmd('TYPE I');
    my ($r150, $end) = stor($c, 'STOR full/f', 'x' x (9 * 1024 * 1024));
    is($r150, "150 Opening BINARY mode data connection for full/f\r\n", 'upload to a full disk');
    # 1.3.8 turns the short write at the edge into EIO (measured: 451
    # Input/output error); a write that finds no room at all is ENOSPC.
    like($end, qr/^45[12] Transfer aborted\. (?:Input\/output error|No space left on device)\r\n\z/,
        'the upload that fills the disk');
    is((stor($c, 'STOR full/g', 'x' x 1024))[1], "452 Transfer aborted. No space left on device\r\n",
        'ENOSPC');
    is($c->cmd('NOOP'), "200 NOOP command successful\r\n", 'the session goes on');
    $srv->stop;
    system('umount', "$home/full");
}
done_testing;
