# CWD / XCWD / CDUP / XCUP (spec/commands.md 2.2).
use strict;
use warnings;
use Cwd qw(realpath);
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Test::More;
use ProFTPD::TestServer;

my $srv = ProFTPD::TestServer->demo;
my $home = realpath($srv->home('demo'));
mkdir "$home/sub" or die $!;
open(my $fh, '>', "$home/file") or die $!;
close $fh;
chown((stat $home)[4, 5], "$home/sub", "$home/file") if ProFTPD::TestServer::is_root();

my $c = $srv->raw;
$c->banner;
is($c->cmd('CWD sub'), "530 Please login with USER and PASS\r\n", 'CWD before login');
is($c->cmd('CDUP'), "530 Please login with USER and PASS\r\n", 'CDUP before login');
$c->login('demo', 'demo');
is($c->cmd('CWD sub'), "250 CWD command successful\r\n", 'CWD');
is($c->cmd('PWD'), "257 \"$home/sub\" is the current directory\r\n", 'in sub');
is($c->cmd('CDUP'), "250 CDUP command successful\r\n", 'CDUP');
is($c->cmd('PWD'), "257 \"$home\" is the current directory\r\n", 'back home');
is($c->cmd('XCWD sub'), "250 XCWD command successful\r\n", 'XCWD');
is($c->cmd('XCUP'), "250 XCUP command successful\r\n", 'XCUP');
is($c->cmd('CWD nonexistent'), "550 nonexistent: No such file or directory\r\n", 'missing');
is($c->cmd('CWD file'), "550 file: Not a directory\r\n", 'not a directory');
is($c->cmd('CWD'), "501 Invalid number of parameters\r\n", 'no argument');
is($c->cmd("CWD $home/sub"), "250 CWD command successful\r\n", 'absolute path');
is($c->cmd('CWD ~'), "250 CWD command successful\r\n", 'CWD ~');
is($c->cmd('PWD'), "257 \"$home\" is the current directory\r\n", '~ is home');
is($c->cmd('QUIT'), "221 Goodbye.\r\n", 'QUIT');

my $ftp = $srv->ftp;
$ftp->login('demo', 'demo') or die $ftp->message;
ok($ftp->cwd('sub'), 'Net::FTP cwd');
is($ftp->pwd, "$home/sub", 'Net::FTP pwd after cwd');
ok($ftp->cdup, 'Net::FTP cdup');
ok(!$ftp->cwd('nope'), 'Net::FTP cwd to a missing directory fails');
is($ftp->code, 550, '550');
$ftp->quit;
done_testing;
