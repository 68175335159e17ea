# SIZE (spec/commands.md 2.2): 213 <bytes> in binary mode only; 550 <f>:
# not a regular file (lower case, 1.3.8). Every expectation was checked
# against 1.3.8.
use strict;
use warnings;
use Cwd qw(realpath);
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Test::More;
use ProFTPD::TestServer;

my $srv = ProFTPD::TestServer->demo;
my $home = realpath($srv->home('demo'));
open(my $fh, '>', "$home/f.txt") or die $!;
print {$fh} "hello\nworld\n";
close $fh;
mkdir "$home/d" or die $!;
symlink 'f.txt', "$home/lnk" or die $!;
symlink 'nowhere', "$home/dang" or die $!;
chown((stat $home)[4, 5], "$home/f.txt", "$home/d") if ProFTPD::TestServer::is_root();

my $c = $srv->raw;
$c->banner;
is($c->cmd('SIZE f.txt'), "530 Please login with USER and PASS\r\n", 'before login');
$c->login('demo', 'demo');
is($c->cmd('SIZE f.txt'), "550 SIZE not allowed in ASCII mode\r\n", 'ASCII mode (the default)');
is($c->cmd('SIZE nope'), "550 SIZE not allowed in ASCII mode\r\n", 'checked before the path');
is($c->cmd('SIZE'), "501 Invalid number of parameters\r\n", 'no argument');
is($c->cmd('TYPE I'), "200 Type set to I\r\n", 'TYPE I');
my @cases = (
    ['SIZE f.txt',     '213 12'],
    ['size lnk',       '213 12'],
    ['SIZE f.txt/',    '213 12'],
    ['SIZE ~/f.txt',   '213 12'],
    ["SIZE $home/f.txt", '213 12'],
    ['SIZE d',         '550 d: not a regular file'],
    ['SIZE ~',         '550 ~: not a regular file'],
    ['SIZE /dev/null', '550 /dev/null: not a regular file'],
    ['SIZE nope',      '550 nope: No such file or directory'],
    ['SIZE dang',      '550 dang: No such file or directory'],
    ['SIZE f.txt/x',   '550 f.txt/x: No such file or directory'],
    ['SIZE f.txt x',   '550 f.txt x: No such file or directory'],
    ['SIZE',           '501 Invalid number of parameters'],
);
for my $t (@cases) {
    is($c->cmd($t->[0]), "$t->[1]\r\n", $t->[0]);
}
is($c->cmd('TYPE A'), "200 Type set to A\r\n", 'TYPE A');
is($c->cmd('SIZE f.txt'), "550 SIZE not allowed in ASCII mode\r\n", 'ASCII again');
is($c->cmd('QUIT'), "221 Goodbye.\r\n", 'QUIT');

my $ftp = $srv->ftp;
$ftp->login('demo', 'demo') or die $ftp->message;
$ftp->binary;
is($ftp->size('f.txt'), 12, 'Net::FTP size');
$ftp->quit;
done_testing;
