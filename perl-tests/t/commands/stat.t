# STAT <path> (spec/commands.md 2.1): an ls -l listing on the control
# connection, 213 for a file, 212 for a directory (with . and ..), with
# 1.3.8's exact bytes for list.t's fixture. STAT alone is in core tests.
use strict;
use warnings;
use Cwd qw(realpath);
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Fcntl qw(:mode);
use POSIX qw(strftime);
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

sub mode_str {
    my ($m) = @_;
    my $t = S_ISREG($m) ? '-' : S_ISDIR($m) ? 'd' : S_ISLNK($m) ? 'l' : S_ISFIFO($m) ? 'p' : '?';
    my $x = sub {
        my ($bit, $special, $on, $off) = @_;
        my ($b, $s) = ($m & $bit, $m & $special);
        return $b ? ($s ? $on : 'x') : ($s ? $off : '-');
    };
    return $t
        . ($m & 0400 ? 'r' : '-') . ($m & 0200 ? 'w' : '-') . $x->(0100, 04000, 's', 'S')
        . ($m & 040 ? 'r' : '-') . ($m & 020 ? 'w' : '-') . $x->(010, 02000, 's', 'S')
        . ($m & 04 ? 'r' : '-') . ($m & 02 ? 'w' : '-') . $x->(01, 01000, 't', 'T');
}

# The line 1.3.8 prints for $path shown as $shown (owner names from the
# AuthUserFile/AuthGroupFile: only the demo ids have one).
sub ls_line {
    my ($path, $shown) = @_;
    my ($mode, $nlink, $uid, $gid, $size, $mtime) = (lstat $path)[2, 3, 4, 5, 7, 9];
    my $when = time - $mtime > 180 * 86400
        ? strftime('%b %e  %Y', gmtime $mtime)
        : strftime('%b %e %H:%M', gmtime $mtime);
    my $line = sprintf('%s %3d %-8s %-8s %8d %s %s', mode_str($mode), $nlink,
        $uid == $UID ? 'demo' : $uid, $gid == $GID ? 'demo' : $gid, $size, $when, $shown);
    $line .= ' -> ' . readlink($path) if S_ISLNK($mode);
    return "$line\r\n";
}

sub lines_for {
    my ($dir, @names) = @_;
    return join '', map { ls_line("$dir/$_", $_) } @names;
}

# A STAT reply: the header, one continuation line per entry, the end.
sub stat_reply {
    my ($code, $shown, @lines) = @_;
    return "$code-Status of $shown:\r\n" . join('', map { " $_" } @lines) . "$code End of status\r\n";
}

my $srv = ProFTPD::TestServer->demo;
my $home = realpath($srv->home('demo'));
fixture($home);

my $c = $srv->raw;
$c->banner;
is($c->cmd('STAT a.txt'), "530 Please login with USER and PASS\r\n", 'before login');
$c->login('demo', 'demo');

is($c->cmd('STAT a.txt'), stat_reply(213, 'a.txt', ls_line("$home/a.txt", 'a.txt')), 'a file: 213');
is($c->cmd('STAT link'), stat_reply(213, 'link', ls_line("$home/link", 'link')), 'a symlink');
is($c->cmd('STAT sub/z.txt'), stat_reply(213, 'sub/z.txt', ls_line("$home/sub/z.txt", 'sub/z.txt')),
    'a path');
is($c->cmd('STAT sub'),
    stat_reply(212, 'sub', map { ls_line("$home/sub/$_", $_) } qw(. .. deep z.txt)),
    'a directory: 212, with . and .. (measured)');
is($c->cmd('STAT .'),
    stat_reply(212, '.', map { ls_line("$home/$_", $_) }
        qw(. .. .dot a.txt b.txt big.dat dangling emptyd link sub)),
    'the current directory: dot files too, dot links left out');
is($c->cmd('STAT -l emptyd'),
    stat_reply(212, 'emptyd', map { ls_line("$home/emptyd/$_", $_) } qw(. ..)),
    'an option word is skipped');
is($c->cmd('STAT nosuch'), "450 nosuch: No such file or directory\r\n", 'missing: 450');
is($c->cmd('STAT dangling'), "450 dangling: No such file or directory\r\n", 'broken link: 450');
is($c->cmd('STAT *.txt'), "450 *.txt: No such file or directory\r\n", 'no globbing in STAT');
like($c->cmd('STAT'), qr/^211-Status of 'T'\r\n.* End of status\r\n\z/s, 'STAT alone: the session status');
is($c->cmd('QUIT'), "221 Goodbye.\r\n", 'QUIT');
done_testing;
