# MLSD (spec/commands.md 2.2 and the MLSx fact format; RFC 3659 7): every
# entry of a directory over the data connection, `.` as cdir and `..` as
# pdir, dot files included, each line `<facts> <name>\r\n`; 150 and 226 on
# the control connection, as ProFTPD 1.3.8 sends them.
use strict;
use warnings;
use Cwd qw(realpath);
use FindBin;
use IO::Select;
use IO::Socket::INET;
use POSIX qw(strftime);
use Time::HiRes qw(time);
use lib "$FindBin::Bin/../../lib";
use Test::More;
use ProFTPD::TestServer qw(is_root);

my $srv = ProFTPD::TestServer->demo;
my $home = realpath($srv->home('demo'));
my ($uid, $gid) = is_root() ? (65534, 65534) : ($>, $) + 0);

open(my $fh, '>', "$home/file.txt") or die $!;
print {$fh} "data\n";
close $fh;
open($fh, '>', "$home/.hidden") or die $!;
close $fh;
chmod 0644, "$home/file.txt", "$home/.hidden";
mkdir "$home/sub", 0755;
symlink 'file.txt', "$home/link" or die $!;
symlink 'nowhere', "$home/dangling" or die $!;
chown $uid, $gid, "$home/file.txt", "$home/.hidden", "$home/sub" if is_root();

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

# PASV, then the command; returns (first reply, data, final reply).
sub data_cmd {
    my ($c, $line) = @_;
    my $pasv = $c->cmd('PASV');
    $pasv =~ /\((\d+),(\d+),(\d+),(\d+),(\d+),(\d+)\)/ or return ($pasv, undef, undef);
    my $d = IO::Socket::INET->new(PeerAddr => "$1.$2.$3.$4", PeerPort => $5 * 256 + $6,
        Proto => 'tcp', Timeout => 5) or die "data connect: $!";
    binmode $d;
    my $first = $c->cmd($line);
    return ($first, undef, undef) unless $first =~ /^150 /;
    my ($data, $sel, $deadline) = ('', IO::Select->new($d), time + 5);
    while ((my $left = $deadline - time) > 0) {
        last unless $sel->can_read($left);
        my $n = sysread($d, my $chunk, 65536);
        last unless $n;
        $data .= $chunk;
    }
    close $d;
    return ($first, $data, $c->reply);
}

my $c = $srv->raw;
$c->banner;
is($c->cmd('MLSD'), "530 Please login with USER and PASS\r\n", 'before login');
$c->login('demo', 'demo');

my ($first, $data, $last) = data_cmd($c, 'MLSD');
is($first, "150 Opening ASCII mode data connection for MLSD\r\n", '150 (TYPE A)');
is($last, "226 Transfer complete\r\n", '226 Transfer complete');
my %want = (
    '.'        => facts($home, perm => 'flcdmpe', type => 'cdir'),
    '..'       => 'pinned below',
    '.hidden'  => facts("$home/.hidden", perm => 'adfrw', type => 'file'),
    'file.txt' => facts("$home/file.txt", perm => 'adfrw', type => 'file'),
    'link'     => facts("$home/link", perm => 'adfrw', type => 'OS.unix=symlink'),
    'sub'      => facts("$home/sub", perm => 'flcdmpe', type => 'dir'),
);
like($data, qr/\A(?:[^\r\n]+ [^\r\n]+\r\n)+\z/, 'CRLF-terminated fact lines');
my %got = map { /^(\S*) (.*)$/ ? ($2 => $1) : () } split /\r\n/, $data;
# The parent's owner and perms depend on the temporary directory: only its
# type is pinned.
like(delete $got{'..'}, qr/;type=pdir;/, '.. is pdir');
delete $want{'..'};
is_deeply(\%got, \%want, 'every entry but the dangling link, with 1.3.8 facts');

is($c->cmd('TYPE I'), "200 Type set to I\r\n", 'TYPE I');
($first, $data, $last) = data_cmd($c, 'MLSD sub');
is($first, "150 Opening BINARY mode data connection for MLSD\r\n", '150 (TYPE I)');
is(join('|', sort split /\r\n/, $data),
    join('|', sort(facts("$home/sub", perm => 'flcdmpe', type => 'cdir') . ' .',
        facts($home, perm => 'flcdmpe', type => 'pdir') . ' ..')),
    'an empty directory lists . (cdir) and .. (pdir)');
is($last, "226 Transfer complete\r\n", '226 Transfer complete');

is($c->cmd('OPTS MLST type;'), "200 MLST OPTS type;\r\n", 'OPTS MLST type;');
($first, $data, $last) = data_cmd($c, 'MLSD sub');
is(join('|', sort split /\r\n/, $data), 'type=cdir; .|type=pdir; ..', 'only the type fact');

is($c->cmd('MLSD file.txt'), "550 'file.txt' is not a directory\r\n", 'a file');
is($c->cmd('MLSD link'), "550 'link' is not a directory\r\n", 'a symlink to a file');
is($c->cmd('MLSD nope'), "550 nope: No such file or directory\r\n", 'missing');
is($c->cmd('QUIT'), "221 Goodbye.\r\n", 'QUIT');
done_testing;
