# DELE (spec/commands.md 2.2).
use strict;
use warnings;
use Cwd qw(realpath);
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Test::More;
use ProFTPD::TestServer;

my $srv = ProFTPD::TestServer->demo;
my $home = realpath($srv->home('demo'));
for my $f (qw(a.txt b.txt)) {
    open(my $fh, '>', "$home/$f") or die $!;
    print {$fh} "data\n";
    close $fh;
}
mkdir "$home/dir";
chown((stat $home)[4, 5], "$home/a.txt", "$home/b.txt", "$home/dir")
    if ProFTPD::TestServer::is_root();

my $c = $srv->raw;
$c->banner;
is($c->cmd('DELE a.txt'), "530 Please login with USER and PASS\r\n", 'before login');
ok(-e "$home/a.txt", 'still there');
$c->login('demo', 'demo');
is($c->cmd('DELE a.txt'), "250 DELE command successful\r\n", 'DELE');
ok(!-e "$home/a.txt", 'deleted');
is($c->cmd('DELE a.txt'), "550 a.txt: No such file or directory\r\n", 'missing file');
is($c->cmd('DELE'), "501 Invalid number of parameters\r\n", 'no argument');
is($c->cmd('DELE dir'), "550 dir: Is a directory\r\n", 'a directory');
is($c->cmd('QUIT'), "221 Goodbye.\r\n", 'QUIT');

my $ftp = $srv->ftp;
$ftp->login('demo', 'demo') or die $ftp->message;
ok($ftp->delete('b.txt'), 'Net::FTP delete');
ok(!-e "$home/b.txt", 'deleted');
$ftp->quit;
done_testing;
