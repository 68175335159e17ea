# NLST (spec/commands.md 2.2): names only, over the data connection, with
# 1.3.8's exact bytes for a fixed fixture directory. The fixture and
# helpers are list.t's.
use strict;
use warnings;
use Cwd qw(realpath);
use FindBin;
use lib "$FindBin::Bin/../../lib";
use IO::Select;
use IO::Socket::INET;
use Test::More;
use Time::HiRes qw(time);
use ProFTPD::TestServer;

# 2020-01-02 03:04:05 and 2019-07-04 12:00:00 UTC: old enough to show
# their year.
my ($T2020, $T2019) = (1577934245, 1562241600);
my ($UID, $GID) = ProFTPD::TestServer::is_root() ? (65534, 65534) : ($>, $) + 0);

sub put {
    my ($path, $data) = @_;
    open(my $fh, '>', $path) or die "$path: $!";
    print {$fh} $data;
    close $fh;
}

# a.txt (2020), b.txt (setuid), big.dat (5000 bytes), .dot, link -> a.txt,
# dangling -> nowhere, dotlink -> . (1.3.8 leaves it out), emptyd (1777),
# sub/z.txt, sub/deep/y.txt; every time fixed, every entry the user's.
sub fixture {
    my ($home) = @_;
    mkdir "$home/$_" for qw(sub sub/deep emptyd);
    put("$home/a.txt", "hello\n");
    put("$home/b.txt", "xx\n");
    put("$home/big.dat", 'x' x 5000);
    put("$home/.dot", '');
    put("$home/sub/z.txt", "z\n");
    put("$home/sub/deep/y.txt", "y\n");
    symlink 'a.txt', "$home/link";
    symlink 'nowhere', "$home/dangling";
    symlink '.', "$home/dotlink";
    if (ProFTPD::TestServer::is_root()) {
        system('chown', '-R', '-h', "$UID:$GID", $home) == 0 or die 'chown';
    }
    chmod 0644, map { "$home/$_" } qw(a.txt big.dat .dot sub/z.txt sub/deep/y.txt);
    chmod 04755, "$home/b.txt";
    chmod 01777, "$home/emptyd";
    chmod 0755, map { "$home/$_" } qw(sub sub/deep);
    utime $T2020, $T2020, "$home/a.txt";
    utime $T2019, $T2019, map { "$home/$_" } qw(b.txt big.dat .dot sub/z.txt sub/deep/y.txt);
    system('touch', '-h', '-d', "\@$T2019", map { "$home/$_" } qw(link dangling dotlink)) == 0
        or die 'touch -h';
    utime $T2019, $T2019, map { "$home/$_" } qw(sub/deep sub emptyd .);
}

# One transfer command over a passive data connection: the control
# replies and the data bytes.
sub listing {
    my ($c, $line) = @_;
    my $r = $c->cmd('PASV');
    $r =~ /\((\d+),(\d+),(\d+),(\d+),(\d+),(\d+)\)/ or die "PASV: " . ($r // $c->{error});
    my $d = IO::Socket::INET->new(PeerAddr => "$1.$2.$3.$4", PeerPort => $5 * 256 + $6,
        Proto => 'tcp', Timeout => 5) or die "data connection: $!";
    binmode $d;
    $c->send_line($line);
    my $first = $c->reply // "(no reply: $c->{error})";
    my $data = '';
    if ($first =~ /^150 /) {
        my $sel = IO::Select->new($d);
        my $deadline = time + 5;
        while ((my $left = $deadline - time) > 0) {
            last unless $sel->can_read($left);
            my $n = sysread($d, my $buf, 65536);
            last unless $n;
            $data .= $buf;
        }
        # 1.3.8 sends its 226 once the client has closed its end too.
        close $d;
        $first .= $c->reply // "(no reply: $c->{error})";
        return ($first, $data);
    }
    close $d;
    return ($first, $data);
}

my $OPEN = "150 Opening ASCII mode data connection for file list\r\n";
my $DONE = "226 Transfer complete\r\n";

# A directory's names in directory order (what getdents gives; 1.3.8 does
# not sort NLST), without dot files.
sub dir_order {
    my ($dir) = @_;
    opendir(my $dh, $dir) or die "$dir: $!";
    my @n = grep { !/^\./ } readdir $dh;
    closedir $dh;
    return @n;
}

my $srv = ProFTPD::TestServer->demo;
my $home = realpath($srv->home('demo'));
fixture($home);

my $c = $srv->raw;
$c->banner;
is($c->cmd('NLST'), "530 Please login with USER and PASS\r\n", 'before login');
$c->login('demo', 'demo');

# dangling is left out (it names nothing); dotlink stays.
my @names = grep { $_ ne 'dangling' } dir_order($home);
my ($ctl, $data) = listing($c, 'NLST');
is($ctl, "$OPEN$DONE", 'NLST: 150 then 226');
is($data, join('', map { "$_\r\n" } @names), 'NLST: directory order, no dot files, no broken link');
($ctl, $data) = listing($c, 'NLST -a');
opendir(my $dh, $home) or die;
my @all = grep { $_ ne 'dangling' } readdir $dh;
closedir $dh;
is($data, join('', map { "$_\r\n" } @all), 'NLST -a: . and .. and dot files too');

my @sub = dir_order("$home/sub");
($ctl, $data) = listing($c, 'NLST sub');
is($data, join('', map { "sub/$_\r\n" } @sub), 'NLST dir: names prefixed with the dir as given');
($ctl, $data) = listing($c, 'NLST ./sub/');
is($data, join('', map { "sub/$_\r\n" } @sub), 'the prefix is cleaned');
($ctl, $data) = listing($c, "NLST $home/sub");
is($data, join('', map { "$home/sub/$_\r\n" } @sub), 'absolute directory');
($ctl, $data) = listing($c, 'NLST -1 sub');
is($data, join('', map { "$_\r\n" } @sub), 'NLST -1: no prefix');
($ctl, $data) = listing($c, 'NLST sub/z.txt');
is($data, "sub/z.txt\r\n", 'NLST of a file');

my @txt = reverse grep { /\.txt$/ } dir_order($home);
($ctl, $data) = listing($c, 'NLST *.txt');
is($data, join('', map { "$_\r\n" } @txt), 'glob: matches in reverse directory order (measured)');
($ctl, $data) = listing($c, 'NLST */z.txt');
is($data, "sub/z.txt\r\n", 'glob in the directory part');

($ctl, $data) = listing($c, 'NLST emptyd');
is("$ctl|$data", "$OPEN$DONE|", 'empty directory: 150, 226, no data');

($ctl, $data) = listing($c, 'NLST nosuch');
is($ctl, "450 nosuch: No such file or directory\r\n", 'missing: 450 before any 150');
($ctl, $data) = listing($c, 'NLST -a nosuch');
is($ctl, "450 -a nosuch: No such file or directory\r\n", 'the 450 names the whole argument (measured)');
($ctl, $data) = listing($c, 'NLST *.zz');
is($ctl, "450 No files found\r\n", 'glob without a match');
is($c->cmd('QUIT'), "221 Goodbye.\r\n", 'QUIT');
$srv->stop;

$srv = ProFTPD::TestServer->demo(config => "ListOptions \"\" maxfiles 2 NoErrorIfAbsent SortedNLST\n");
$home = realpath($srv->home('demo'));
fixture($home);
$c = $srv->raw;
$c->banner;
$c->login('demo', 'demo');
($ctl, $data) = listing($c, 'NLST');
is($data, "a.txt\r\nb.txt\r\nbig.dat\r\n", 'SortedNLST; maxfiles 2 lets a third name through (measured)');
($ctl, $data) = listing($c, 'NLST nosuch');
is($ctl, "${OPEN}226-Transfer complete\r\n$DONE", 'NoErrorIfAbsent: 226 twice (measured)');
$c->cmd('QUIT');
$srv->stop;

$srv = ProFTPD::TestServer->demo;
$home = realpath($srv->home('demo'));
fixture($home);
my $ftp = $srv->ftp;
$ftp->login('demo', 'demo') or die $ftp->message;
is_deeply([sort $ftp->ls('sub')], ['sub/deep', 'sub/z.txt'], 'Net::FTP ls');
$ftp->quit;
done_testing;
