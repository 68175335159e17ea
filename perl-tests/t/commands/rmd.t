# RMD / XRMD (spec/commands.md 2.2).
use strict;
use warnings;
use Cwd qw(realpath);
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Test::More;
use ProFTPD::TestServer;

my $srv = ProFTPD::TestServer->demo;
my $home = realpath($srv->home('demo'));

my $c = $srv->raw;
$c->banner;
is($c->cmd('RMD x'), "530 Please login with USER and PASS\r\n", 'before login');
$c->login('demo', 'demo');
is($c->cmd('RMD'), "501 Invalid number of parameters\r\n", 'no argument');
$c->cmd('MKD gone');
is($c->cmd('RMD gone'), "250 RMD command successful\r\n", 'RMD');
ok(!-e "$home/gone", 'removed');
is($c->cmd('RMD gone'), "550 gone: No such file or directory\r\n", 'RMD of a missing directory');
$c->cmd('MKD full');
$c->cmd('MKD full/child');
is($c->cmd('RMD full'), "550 full: Directory not empty\r\n", 'not empty');
$c->cmd('MKD x');
is($c->cmd('XRMD x'), "250 XRMD command successful\r\n", 'XRMD');
is($c->cmd('QUIT'), "221 Goodbye.\r\n", 'QUIT');

my $ftp = $srv->ftp;
$ftp->login('demo', 'demo') or die $ftp->message;
ok($ftp->rmdir('full/child'), 'Net::FTP rmdir');
ok(!-e "$home/full/child", 'removed');
$ftp->quit;
done_testing;
