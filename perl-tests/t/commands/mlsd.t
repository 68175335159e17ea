# MLSD (spec/commands.md 2.2 and the MLSx fact format; RFC 3659 7): every
# entry of a directory over the data connection, `.` as cdir and `..` as
# pdir, dot files included, each line `<facts> <name>\r\n`; 150 and 226 on
# the control connection, as ProFTPD 1.3.8 sends them.
use strict;
use warnings;
use Cwd qw(realpath);
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Test::More;
use ProFTPD::TestServer qw(is_root);
use ProFTPD::Files qw(session_ids write_file);
use ProFTPD::DataConn qw(retr);
use ProFTPD::Listing qw(facts);

my $srv = ProFTPD::TestServer->demo;
my $home = realpath($srv->home('demo'));
my ($uid, $gid) = session_ids();

write_file("$home/file.txt", "data\n");
write_file("$home/.hidden", '');
chmod 0644, "$home/file.txt", "$home/.hidden";
mkdir "$home/sub", 0755;
symlink 'file.txt', "$home/link" or die $!;
symlink 'nowhere', "$home/dangling" or die $!;
chown $uid, $gid, "$home/file.txt", "$home/.hidden", "$home/sub" if is_root();

my $c = $srv->raw;
$c->banner;
is($c->cmd('MLSD'), "530 Please login with USER and PASS\r\n", 'before login');
$c->login('demo', 'demo');

my ($first, $data, $last) = retr($c, 'MLSD');
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
($first, $data, $last) = retr($c, 'MLSD sub');
is($first, "150 Opening BINARY mode data connection for MLSD\r\n", '150 (TYPE I)');
is(join('|', sort split /\r\n/, $data),
    join('|', sort(facts("$home/sub", perm => 'flcdmpe', type => 'cdir') . ' .',
        facts($home, perm => 'flcdmpe', type => 'pdir') . ' ..')),
    'an empty directory lists . (cdir) and .. (pdir)');
is($last, "226 Transfer complete\r\n", '226 Transfer complete');

is($c->cmd('OPTS MLST type;'), "200 MLST OPTS type;\r\n", 'OPTS MLST type;');
($first, $data, $last) = retr($c, 'MLSD sub');
is(join('|', sort split /\r\n/, $data), 'type=cdir; .|type=pdir; ..', 'only the type fact');

is($c->cmd('MLSD file.txt'), "550 'file.txt' is not a directory\r\n", 'a file');
is($c->cmd('MLSD link'), "550 'link' is not a directory\r\n", 'a symlink to a file');
is($c->cmd('MLSD nope'), "550 nope: No such file or directory\r\n", 'missing');
is($c->cmd('QUIT'), "221 Goodbye.\r\n", 'QUIT');
done_testing;
