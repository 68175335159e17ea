# LIST (spec/commands.md 2.2, the LIST line format; config.md ListOptions,
# ShowSymlinks, DirFakeUser/Group/Mode): exact listing bytes for a fixed
# fixture directory, as ProFTPD 1.3.8 sends them.
use strict;
use warnings;
use Cwd qw(realpath);
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Test::More;
use ProFTPD::TestServer;
use ProFTPD::DataConn qw(listing login);
use ProFTPD::Files qw(write_file);
use ProFTPD::Listing qw($T2019 fixture_server ls_line lines_for);

my $OPEN = "150 Opening ASCII mode data connection for file list\r\n";
my $DONE = "226 Transfer complete\r\n";

my ($srv, $home) = fixture_server();
my @visible = qw(a.txt b.txt big.dat dangling emptyd link sub);
my $plain = lines_for($home, @visible);

my $c = $srv->raw;
$c->banner;
is($c->cmd('LIST'), "530 Please login with USER and PASS\r\n", 'before login');
$c->login('demo', 'demo');

my ($ctl, $data) = listing($c, 'LIST');
is($ctl, "$OPEN$DONE", 'LIST: 150 then 226');
is($data, $plain, 'LIST: ls -l lines sorted by name, dot files and dot links left out, no total');
like($data, qr/^-rwsr-xr-x   1 demo     demo            3 Jul  4  2019 b\.txt\r$/m,
    'setuid letter, year for old files');
like($data, qr/ link -> a\.txt\r$/m, 'symlink target shown');

($ctl, $data) = listing($c, 'LIST -la');
is($data, lines_for($home, qw(. .. .dot a.txt b.txt big.dat dangling emptyd link sub)),
    'LIST -la: . and .. and dot files, in strcmp order');
($ctl, $data) = listing($c, 'LIST -A');
is($data, lines_for($home, qw(.dot a.txt b.txt big.dat dangling emptyd link sub)), 'LIST -A');

($ctl, $data) = listing($c, 'LIST sub');
is($data, lines_for("$home/sub", qw(deep z.txt)), 'LIST of a directory lists its entries');
($ctl, $data) = listing($c, 'LIST sub/z.txt');
is($data, ls_line("$home/sub/z.txt", 'sub/z.txt'), 'LIST of a file shows the path as given');
($ctl, $data) = listing($c, "LIST $home/sub/");
is($data, lines_for("$home/sub", qw(deep z.txt)), 'absolute path, trailing slash');

($ctl, $data) = listing($c, 'LIST *.txt');
is($data, lines_for($home, qw(a.txt b.txt)), 'glob');
($ctl, $data) = listing($c, 'LIST s*');
is($data, ls_line("$home/sub", 'sub'), 'a directory matched by a glob is an entry');
($ctl, $data) = listing($c, 'LIST *.nomatch');
is("$ctl|$data", "$OPEN$DONE|", 'glob without a match: empty listing');

($ctl, $data) = listing($c, 'LIST -R');
is($data, $plain . "\r\nemptyd:\r\n" . "\r\nsub:\r\n" . lines_for("$home/sub", qw(deep z.txt))
    . "\r\nsub/deep:\r\n" . lines_for("$home/sub/deep", 'y.txt'), 'LIST -R');

($ctl, $data) = listing($c, 'LIST -S');
is($data, lines_for($home, qw(big.dat emptyd sub dangling a.txt link b.txt)), 'LIST -S: biggest first')
    if (lstat "$home/emptyd")[7] == 4096;
($ctl, $data) = listing($c, 'LIST -t');
is($data, lines_for($home, qw(a.txt b.txt big.dat dangling emptyd link sub)),
    'LIST -t: newest first, ties in name order');
($ctl, $data) = listing($c, 'LIST -tr');
is($data, lines_for($home, qw(b.txt big.dat dangling emptyd link sub a.txt)), 'LIST -tr');
($ctl, $data) = listing($c, 'LIST -1');
is($data, join('', map { "$_\r\n" } @visible), 'LIST -1: names only');
($ctl, $data) = listing($c, 'LIST -CF');
is($data, "a.txt\t\tbig.dat\t\temptyd/\t\tsub/\r\nb.txt*\t\tdangling@\tlink@\r\n",
    'LIST -CF: columns, type suffixes');
($ctl, $data) = listing($c, 'LIST -x');
is($data, $plain, 'unknown options are ignored');

($ctl, $data) = listing($c, 'LIST nosuch');
is($ctl, "${OPEN}450 nosuch: No such file or directory\r\n",
    'missing path: 150 first, then 450 (measured)');
($ctl, $data) = listing($c, 'LIST -a  emptyd');
is($ctl, "${OPEN}450  emptyd: No such file or directory\r\n",
    'two spaces after the options: the second one belongs to the path (measured)');

is($c->cmd('TYPE I'), "200 Type set to I\r\n", 'TYPE I');
($ctl, $data) = listing($c, 'LIST link');
is($ctl, "150 Opening BINARY mode data connection for file list\r\n$DONE", 'mode word follows TYPE');
is($data, ls_line("$home/link", 'link'), 'LIST of a symlink');
is($c->cmd('QUIT'), "221 Goodbye.\r\n", 'QUIT');
$srv->stop;

# ShowSymlinks off and the DirFake* directives.
($srv, $home) = fixture_server(config => "ShowSymlinks off\nDirFakeUser on\n"
    . "DirFakeGroup on ~\nDirFakeMode 0640\n");
$c = login($srv);
($ctl, $data) = listing($c, 'LIST');
my $fake = sub {
    my $l = ls_line(@_);
    $l =~ s/^(.)\S+(\s+\d+) \S+\s+\S+/$1 . ($1 eq 'd' ? 'rwxr-x---' : 'rw-r-----') . "$2 ftp      demo"/e;
    return $l;
};
is($data, join('', $fake->("$home/a.txt", 'a.txt'), $fake->("$home/b.txt", 'b.txt'),
    $fake->("$home/big.dat", 'big.dat'), $fake->("$home/emptyd", 'emptyd'),
    $fake->("$home/a.txt", 'link'), $fake->("$home/sub", 'sub')),
    'DirFakeUser/Group/Mode; ShowSymlinks off shows the target under the link name, no broken link');
$c->cmd('QUIT');
$srv->stop;

# ListOptions: default options and limits.
($srv, $home) = fixture_server(config => "ListOptions \"-a\" maxfiles 3\n");
$c = login($srv);
($ctl, $data) = listing($c, 'LIST');
is($data, lines_for($home, qw(. .. .dot)), 'ListOptions -a, maxfiles 3');
$c->cmd('QUIT');
$srv->stop;

($srv, $home) = fixture_server(config => "ListOptions \"\" maxdepth 1\n");
$c = login($srv);
($ctl, $data) = listing($c, 'LIST -R');
is($data, lines_for($home, @visible) . "\r\nemptyd:\r\n",
    'maxdepth 1: the header of the first subdirectory, then the listing stops (measured)');
$c->cmd('QUIT');
$srv->stop;

# Names inside a chroot: the AuthUserFile's always; /etc/passwd's only
# with PersistentPasswd on (1.3.8 looks names up while it lists, and the
# chroot hides /etc; measured).
SKIP: {
    skip 'needs root (chroot, a root-owned file)', 2 unless ProFTPD::TestServer::is_root();
    for my $persist (0, 1) {
        $srv = ProFTPD::TestServer->new(
            users  => [ { name => 'demo', password => 'demo' } ],
            config => "ServerName \"T\"\nAuthOrder mod_auth_file.c mod_auth_unix.c\n"
                . "AuthUserFile {dir}/ftpd.passwd\nAuthGroupFile {dir}/ftpd.group\n"
                . "RequireValidShell off\nDefaultRoot ~\n"
                . ($persist ? "PersistentPasswd on\n" : ''),
        );
        $home = realpath($srv->home('demo'));
        write_file("$home/r.txt", '');
        chown 0, 0, "$home/r.txt";
        utime $T2019, $T2019, "$home/r.txt";
        $c = $srv->raw;
        $c->banner;
        $c->login('demo', 'demo');
        ($ctl, $data) = listing($c, 'LIST r.txt');
        my $who = $persist ? 'root     root    ' : '0        0       ';
        is($data, "-rw-r--r--   1 $who        0 Jul  4  2019 r.txt\r\n",
            $persist ? 'chroot, PersistentPasswd on: names' : 'chroot: numbers for /etc/passwd ids');
        $c->cmd('QUIT');
        $srv->stop;
    }
}

# A Net::FTP client.
($srv, $home) = fixture_server();
my $ftp = $srv->ftp;
$ftp->login('demo', 'demo') or die $ftp->message;
my @lines = $ftp->dir;
is(scalar @lines, 7, 'Net::FTP dir');
like($lines[0], qr/ a\.txt$/, 'Net::FTP dir first line');
$ftp->quit;
done_testing;
