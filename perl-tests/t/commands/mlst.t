# MLST (spec/commands.md 2.2 and the MLSx fact format; RFC 3659 7): the
# facts of one path on the control connection, as ProFTPD 1.3.8 sends them.
use strict;
use warnings;
use Cwd qw(realpath);
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Test::More;
use ProFTPD::TestServer qw(is_root);
use ProFTPD::Files qw(session_ids write_file);
use ProFTPD::Listing qw(facts);

my $srv = ProFTPD::TestServer->demo;
my $home = realpath($srv->home('demo'));
my ($uid, $gid) = session_ids();

# Fixtures owned by the user: file.txt (5 bytes, 0644), sub/, a symlink to
# the file and one to nowhere.
write_file("$home/file.txt", "data\n");
chmod 0644, "$home/file.txt";
mkdir "$home/sub", 0755;
symlink 'file.txt', "$home/link" or die $!;
symlink 'nowhere', "$home/dangling" or die $!;
chown $uid, $gid, "$home/file.txt", "$home/sub" if is_root();
utime 1_600_000_000, 1_600_000_000, "$home/file.txt";
utime 1_500_000_000, 1_500_000_000, "$home/sub";

my $c = $srv->raw;
$c->banner;
is($c->cmd('MLST file.txt'), "530 Please login with USER and PASS\r\n", 'before login');
$c->login('demo', 'demo');

my $file = facts("$home/file.txt", perm => 'adfrw', type => 'file');
like($file, qr/^modify=20200913122640;perm=adfrw;size=5;type=file;unique=[0-9A-F]+U[0-9A-F]+;/,
    'the expected line itself is in 1.3.8 form');
is($c->cmd('MLST file.txt'),
    "250-Start of list for file.txt\r\n $file $home/file.txt\r\n250 End of list\r\n",
    'a file: every fact, the absolute path');
is($c->cmd('MLST'),
    "250-Start of list for $home\r\n " . facts($home, perm => 'flcdmpe', type => 'dir')
        . " $home\r\n250 End of list\r\n",
    'no argument: the current directory');
my $sub = facts("$home/sub", perm => 'flcdmpe', type => 'dir');
is($c->cmd('MLST sub/'), "250-Start of list for sub/\r\n $sub $home/sub\r\n250 End of list\r\n",
    'a directory: no size, path normalised');
is($c->cmd("MLST $home/sub/../file.txt"),
    "250-Start of list for $home/sub/../file.txt\r\n $file $home/file.txt\r\n250 End of list\r\n",
    'absolute path with ..');
is($c->cmd('MLST .'),
    "250-Start of list for .\r\n " . facts($home, perm => 'flcdmpe', type => 'dir')
        . " $home\r\n250 End of list\r\n",
    'MLST . is a dir, never cdir');
like($c->cmd('MLST link'),
    qr/^250-Start of list for link\r\n modify=\d{14};perm=adfrw;size=8;type=file;unique=\Q${\ sprintf('%XU%X', (stat "$home\/file.txt")[0, 1])}\E;.*UNIX\.mode=0777;.* \Q$home\E\/link\r\n250 End of list\r\n\z/,
    'a symlink: the target type and unique fact, the link size and mode');
is($c->cmd('MLST nope'), "550 'nope' cannot be listed\r\n", 'missing');
is($c->cmd('MLST dangling'), "550 'dangling' cannot be listed\r\n", 'dangling symlink');
is($c->cmd('MLST ~'), "550 '~' cannot be listed\r\n", 'no ~ expansion');
is($c->cmd('MLST  file.txt'), "550 ' file.txt' cannot be listed\r\n", 'a leading space is part of the path');

is($c->cmd('OPTS MLST size;type;'), "200 MLST OPTS size;type;\r\n", 'select two facts');
is($c->cmd('MLST file.txt'),
    "250-Start of list for file.txt\r\n size=5;type=file; $home/file.txt\r\n250 End of list\r\n",
    'only the selected facts, in the fixed order');
is($c->cmd('OPTS MLST'), "200 MLST OPTS\r\n", 'select none');
is($c->cmd('MLST file.txt'),
    "250-Start of list for file.txt\r\n  $home/file.txt\r\n250 End of list\r\n",
    'no facts at all');
is($c->cmd('QUIT'), "221 Goodbye.\r\n", 'QUIT');

# FactsOptions NoNames drops the name facts.
my $srv2 = ProFTPD::TestServer->demo(config => "FactsOptions NoNames\n");
my $home2 = realpath($srv2->home('demo'));
my $c2 = $srv2->raw;
$c2->banner;
$c2->login('demo', 'demo');
my $d2 = facts($home2, perm => 'flcdmpe', type => 'dir');
$d2 =~ s/UNIX\.(?:group|owner)name=demo;//g;
is($c2->cmd('MLST'), "250-Start of list for $home2\r\n $d2 $home2\r\n250 End of list\r\n",
    'FactsOptions NoNames');
done_testing;
