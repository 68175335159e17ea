# MDTM (spec/commands.md 2.2): 213 YYYYMMDDHHMMSS, always UTC; 550 <f>: not
# a plain file. Every expectation was checked against 1.3.8.
use strict;
use warnings;
use Cwd qw(realpath);
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Test::More;
use ProFTPD::TestServer;

# TimesGMT off must not change MDTM.
my $srv = ProFTPD::TestServer->demo(config => "TimesGMT off\n");
my $home = realpath($srv->home('demo'));
open(my $fh, '>', "$home/f.txt") or die $!;
print {$fh} "x\n";
close $fh;
utime 1000000000, 1000000000, "$home/f.txt" or die $!;
mkdir "$home/d" or die $!;
symlink 'f.txt', "$home/lnk" or die $!;
chown((stat $home)[4, 5], "$home/f.txt", "$home/d") if ProFTPD::TestServer::is_root();

my $c = $srv->raw;
$c->banner;
is($c->cmd('MDTM f.txt'), "530 Please login with USER and PASS\r\n", 'before login');
$c->login('demo', 'demo');
my @cases = (
    ['MDTM f.txt',       '213 20010909014640'],
    ['mdtm lnk',         '213 20010909014640'],
    ['MDTM ~/f.txt',     '213 20010909014640'],
    ['MDTM d',           '550 d: not a plain file'],
    ['MDTM /',           '550 /: not a plain file'],
    ['MDTM nope',        '550 nope: No such file or directory'],
    ['MDTM f.txt/x',     '550 f.txt/x: No such file or directory'],
    ['MDTM 20200101000000 f.txt', '550 20200101000000 f.txt: No such file or directory'],
    ['MDTM',             '501 Invalid number of parameters'],
);
for my $t (@cases) {
    is($c->cmd($t->[0]), "$t->[1]\r\n", $t->[0]);
}
is($c->cmd('TYPE I'), "200 Type set to I\r\n", 'TYPE I');
is($c->cmd('MDTM f.txt'), "213 20010909014640\r\n", 'the same in binary mode');
is($c->cmd('QUIT'), "221 Goodbye.\r\n", 'QUIT');

my $ftp = $srv->ftp;
$ftp->login('demo', 'demo') or die $ftp->message;
is($ftp->mdtm('f.txt'), 1000000000, 'Net::FTP mdtm');
$ftp->quit;
done_testing;
