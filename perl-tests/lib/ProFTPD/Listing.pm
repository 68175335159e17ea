package ProFTPD::Listing;

# Expected listings: the fixture directory the listing tests (LIST, NLST,
# STAT) share, and the lines ProFTPD 1.3.8 shows for a path, computed from
# lstat/stat so they hold on any machine. Core Perl only.
#
#   use ProFTPD::Listing qw(fixture lines_for facts);
#   my ($srv, $home) = fixture_server(config => "ListOptions -a\n");
#   is($data, lines_for($home, qw(a.txt b.txt)));   # LIST lines
#   facts("$home/a.txt", perm => 'adfrw', type => 'file');   # MLSx facts

use strict;
use warnings;

use Cwd qw(realpath);
use Fcntl qw(:mode);
use POSIX qw(strftime);
use Time::HiRes qw(time);
use ProFTPD::Files qw(write_file session_ids);
use ProFTPD::TestServer;

use Exporter 'import';
our @EXPORT_OK = qw($T2020 $T2019 fixture fixture_server mode_str ls_line lines_for facts);

# 2020-01-02 03:04:05 and 2019-07-04 12:00:00 UTC: old enough to show
# their year.
our ($T2020, $T2019) = (1577934245, 1562241600);

# The ids the fixture belongs to (the demo user's, named in the
# AuthUserFile/AuthGroupFile).
my ($UID, $GID) = session_ids();

# Fills $home: a.txt (2020), b.txt (setuid), big.dat (5000 bytes), .dot,
# link -> a.txt, dangling -> nowhere, dotlink -> . (1.3.8 leaves it out),
# emptyd (1777), sub/z.txt, sub/deep/y.txt; every time fixed, every entry
# the user's.
sub fixture {
    my ($home) = @_;
    mkdir "$home/$_" for qw(sub sub/deep emptyd);
    write_file("$home/a.txt", "hello\n");
    write_file("$home/b.txt", "xx\n");
    write_file("$home/big.dat", 'x' x 5000);
    write_file("$home/.dot", '');
    write_file("$home/sub/z.txt", "z\n");
    write_file("$home/sub/deep/y.txt", "y\n");
    symlink 'a.txt', "$home/link";
    symlink 'nowhere', "$home/dangling";
    symlink '.', "$home/dotlink";
    if ($> == 0) {
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

# A ProFTPD::TestServer->demo(%o) whose demo home holds the fixture:
# (server, real path of the home).
sub fixture_server {
    my (%o) = @_;
    my $srv = ProFTPD::TestServer->demo(%o);
    my $home = realpath($srv->home('demo'));
    fixture($home);
    return ($srv, $home);
}

# The ls -l mode column of st_mode $m (`drwxr-xr-x`, setuid `s`/`S`,
# sticky `t`/`T`).
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

# The ls_line of each of @names in $dir, in the order given.
sub lines_for {
    my ($dir, @names) = @_;
    return join '', map { ls_line("$dir/$_", $_) } @names;
}

# The MLSx fact string ProFTPD builds for $path from lstat (dev/ino from
# the target), with every fact selected; perm and type are given
# (perm => 'adfrw', type => 'file').
sub facts {
    my ($path, %o) = @_;
    my @l = lstat $path or die "$path: $!";
    my @t = stat $path or die "$path: $!";
    my $is_dir = -d $path && !-l $path;
    my $f = sprintf('modify=%s;perm=%s;', strftime('%Y%m%d%H%M%S', gmtime $l[9]), $o{perm});
    $f .= "size=$l[7];" unless $is_dir;
    $f .= "type=$o{type};";
    $f .= sprintf('unique=%XU%X;', $t[0], $t[1]);
    $f .= "UNIX.group=$l[5];UNIX.groupname=demo;";
    $f .= sprintf('UNIX.mode=0%o;', $l[2] & 07777);
    $f .= "UNIX.owner=$l[4];UNIX.ownername=demo;";
    return $f;
}

1;
