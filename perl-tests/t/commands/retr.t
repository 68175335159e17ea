# RETR (spec commands.md 2.4; logs.md 2 for the xferlog line). Replies are
# 1.3.8's, measured through the compat shim.
use strict;
use warnings;
use Cwd qw(realpath);
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Test::More;
use ProFTPD::TestServer;
use ProFTPD::DataConn qw(data_conn slurp retr stor login);
use ProFTPD::Files qw(put_file read_file);

my $srv = ProFTPD::TestServer->demo(config => "TransferLog {dir}/xfer.log\n");
my $home = realpath($srv->home('demo'));
put_file("$home/a.txt", "hello\nworld\n");
put_file("$home/one", "x");
put_file("$home/empty", '');
put_file("$home/a b.txt", "0123456789\n");
mkdir "$home/d";
symlink 'a.txt', "$home/link";

my $c = $srv->raw;
$c->banner;
is($c->cmd('RETR a.txt'), "530 Please login with USER and PASS\r\n", 'before login');
$c->login('demo', 'demo');

is_deeply([retr($c, 'RETR a.txt')],
    ["150 Opening ASCII mode data connection for a.txt (12 bytes)\r\n",
     "hello\r\nworld\r\n", "226 Transfer complete\r\n"], 'ASCII (the default): LF becomes CRLF');
is($c->cmd('TYPE I'), "200 Type set to I\r\n", 'TYPE I');
is_deeply([retr($c, 'RETR a.txt')],
    ["150 Opening BINARY mode data connection for a.txt (12 bytes)\r\n",
     "hello\nworld\n", "226 Transfer complete\r\n"], 'binary');
is((retr($c, 'RETR one'))[0], "150 Opening BINARY mode data connection for one (1 byte)\r\n",
    'one byte (measured)');
is_deeply([retr($c, 'RETR empty')],
    ["150 Opening BINARY mode data connection for empty\r\n", '', "226 Transfer complete\r\n"],
    'empty file: no size in the 150 (measured)');
is_deeply([retr($c, 'RETR d/../a.txt')],
    ["150 Opening BINARY mode data connection for d/../a.txt (12 bytes)\r\n",
     "hello\nworld\n", "226 Transfer complete\r\n"], 'the 150 names the argument as sent');
is((retr($c, "RETR $home/a.txt"))[1], "hello\nworld\n", 'absolute path');
is((retr($c, 'RETR link'))[1], "hello\nworld\n", 'a symlink is followed');

is($c->cmd('RETR'), "500 'RETR' not understood\r\n", 'no argument');
is((retr($c, 'RETR nope'))[0], "550 nope: No such file or directory\r\n", 'missing file');
is((retr($c, 'RETR d'))[0], "550 d: Not a regular file\r\n", 'a directory');
is((retr($c, 'RETR  a.txt'))[0], "550  a.txt: No such file or directory\r\n",
    'the argument starts after one space (measured)');

# REST: the next transfer only.
is($c->cmd('REST 3'), "350 Restarting at 3. Send STORE or RETRIEVE to initiate transfer\r\n", 'REST');
is_deeply([retr($c, 'RETR a.txt')],
    ["150 Opening BINARY mode data connection for a.txt (9 bytes)\r\n",
     "lo\nworld\n", "226 Transfer complete\r\n"], 'REST 3: the rest of the file');
is((retr($c, 'RETR a.txt'))[1], "hello\nworld\n", 'used up');
$c->cmd('REST 12');
is_deeply([retr($c, 'RETR a.txt')],
    ["150 Opening BINARY mode data connection for a.txt\r\n", '', "226 Transfer complete\r\n"],
    'REST equal to the size (measured)');
$c->cmd('REST 13');
is((retr($c, 'RETR a.txt'))[0], "554 REST: invalid a.txt argument\r\n", 'REST beyond the end (measured)');
is((retr($c, 'RETR a.txt'))[1], "hello\nworld\n", 'the failed RETR used the REST up');
$c->cmd('REST 3');
is((retr($c, 'RETR nope'))[0], "550 nope: No such file or directory\r\n", 'REST then a missing file');
is((retr($c, 'RETR a.txt'))[1], "hello\nworld\n", 'that used it up too (measured)');

# A failed RETR forgets the PASV (measured): the next one has none.
like($c->cmd('PASV'), qr/^227 /, 'PASV');
is($c->cmd('RETR nope'), "550 nope: No such file or directory\r\n", 'RETR fails');
is($c->cmd('RETR a.txt'), "425 Unable to build data connection: Connection refused\r\n",
    'the PASV is gone');

# No data connection: PORT to a closed port.
my $closed = ProFTPD::TestServer::free_port();
my $p = sprintf('127,0,0,1,%d,%d', $closed >> 8, $closed & 255);
is($c->cmd("PORT $p"), "200 PORT command successful\r\n", 'PORT');
is($c->cmd('RETR a b.txt'), "425 Unable to build data connection: Connection refused\r\n", 'no data connection: 425');

is($c->cmd('QUIT'), "221 Goodbye.\r\n", 'QUIT');
$srv->stop;

# xferlog: file-side bytes, real path with spaces as _, c or i.
my @log = map { (split / /, $_, 6)[5] } split /\n/, (read_file($srv->dir . '/xfer.log') // '');
like($log[0], qr{^0 \S+ 12 \Q$home\E/a\.txt a _ o r demo ftp 0 \* c$}, 'xferlog: ASCII RETR logs file bytes');
like($log[1], qr{^0 \S+ 12 \Q$home\E/a\.txt b _ o r demo ftp 0 \* c$}, 'xferlog: binary');
like($log[-1], qr{^0 \S+ 0 \Q$home\E/a_b\.txt b _ o r demo ftp 0 \* i$}, 'xferlog: the 425 is logged incomplete');
like($log[6], qr{^0 \S+ 12 \Q$home\E/a\.txt b _ o }, 'xferlog: a symlink is logged as its target');
like(read_file($srv->dir . '/xfer.log'),
    qr{^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4} }, 'xferlog: ctime-style time');

# Settings: AllowRetrieveRestart off, MaxRetrieveFileSize.
$srv = ProFTPD::TestServer->demo(config => "AllowRetrieveRestart off\n"
    . "MaxRetrieveFileSize 5 B\nTransferLog NONE\n");
$home = realpath($srv->home('demo'));
put_file("$home/big", '0123456789');
put_file("$home/small", '01234');
$c = login($srv);
$c->cmd('TYPE I');
$c->cmd('REST 2');
is((retr($c, 'RETR small'))[0], "451 small: Restart not permitted, try again\r\n",
    'AllowRetrieveRestart off');
is((retr($c, 'RETR small'))[1], '01234', 'MaxRetrieveFileSize: at the limit');
is_deeply([retr($c, 'RETR big')],
    ["150 Opening BINARY mode data connection for big (10 bytes)\r\n", '',
     "426 Transfer aborted. Operation not permitted\r\n"],
    'MaxRetrieveFileSize: refused after the 150 (measured)');
is($c->cmd('NOOP'), "200 NOOP command successful\r\n", 'the session goes on');

# The client closes the data connection early.
$srv->stop;
$srv = ProFTPD::TestServer->demo(config => "TransferLog NONE\n");
$home = realpath($srv->home('demo'));
put_file("$home/huge", 'x' x (64 * 1024 * 1024));
$c = login($srv);
$c->cmd('TYPE I');
my $d = data_conn($c);
is($c->cmd('RETR huge'), "150 Opening BINARY mode data connection for huge (67108864 bytes)\r\n",
    'a big RETR');
sysread($d, my $buf, 1000);
close $d;
is($c->reply(10), "426 Transfer aborted. Data connection closed\r\n", 'client closed the data connection');
is($c->cmd('NOOP'), "200 NOOP command successful\r\n", 'the session goes on');

# Another process truncates the file mid-send: the transfer ends early,
# not in error (measured).
$d = data_conn($c);
is($c->cmd('RETR huge'), "150 Opening BINARY mode data connection for huge (67108864 bytes)\r\n",
    'RETR again');
sysread($d, $buf, 1000);
truncate("$home/huge", 0);
my $rest = slurp($d);
close $d;
is($c->reply(10), "226 Transfer complete\r\n", 'truncated mid-send: 226');
ok(1000 + length($rest) < 64 * 1024 * 1024, 'short');
$srv->stop;

# A chroot (root): no way out, and xferlog shows the real path.
SKIP: {
    skip 'needs root (DefaultRoot)', 8 unless ProFTPD::TestServer::is_root();
    $srv = ProFTPD::TestServer->demo(config => "DefaultRoot ~\nTransferLog {dir}/xfer.log\n");
    $home = realpath($srv->home('demo'));
    put_file("$home/f", 'inside');
    symlink '/etc/passwd', "$home/out";
    $c = login($srv);
    is($c->cmd('PWD'), "257 \"/\" is the current directory\r\n", 'chrooted');
    is((retr($c, 'RETR ../../../../../etc/passwd'))[0],
        "550 ../../../../../etc/passwd: No such file or directory\r\n", '.. stops at the root');
    is((retr($c, 'RETR /etc/passwd'))[0], "550 /etc/passwd: No such file or directory\r\n",
        'absolute paths are inside the root');
    is((retr($c, 'RETR out'))[0], "550 out: Not a regular file\r\n",
        'a symlink out of the root is dangling there (measured)');
    is((stor($c, 'STOR ../../escape', 'x'))[1], "226 Transfer complete\r\n", 'STOR ../../escape');
    ok(-e "$home/escape", 'lands inside the root');
    is((retr($c, 'RETR f'))[1], 'inside', 'RETR inside');
    $c->cmd('QUIT');
    $srv->stop;
    like(read_file($srv->dir . '/xfer.log') // '', qr{ 6 \Q$home\E/f a _ o r demo ftp 0 \* c\n\z},
        'xferlog: the path outside the chroot');
}
done_testing;
