# MKD / XMKD (spec/commands.md 2.2).
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
is($c->cmd('MKD x'), "530 Please login with USER and PASS\r\n", 'before login');
ok(!-e "$home/x", 'nothing created before login');
$c->login('demo', 'demo');
is($c->cmd('MKD new'), "257 \"$home/new\" - Directory successfully created\r\n", 'MKD');
ok(-d "$home/new", 'the directory exists');
is($c->cmd('MKD new'), "550 new: File exists\r\n", 'MKD of an existing directory');
is($c->cmd('XMKD other'), "257 \"$home/other\" - Directory successfully created\r\n", 'XMKD');
is($c->cmd('MKD'), "501 Invalid number of parameters\r\n", 'no argument');
is($c->cmd('MKD missing/child'), "550 missing/child: No such file or directory\r\n",
    'parent missing');
is($c->cmd("MKD $home/abs"), "257 \"$home/abs\" - Directory successfully created\r\n",
    'absolute path');
is($c->cmd('CWD new'), "250 CWD command successful\r\n", 'CWD new');
is($c->cmd('MKD inner'), "257 \"$home/new/inner\" - Directory successfully created\r\n",
    'relative to the current directory');
is($c->cmd('QUIT'), "221 Goodbye.\r\n", 'QUIT');

my $ftp = $srv->ftp;
$ftp->login('demo', 'demo') or die $ftp->message;
ok($ftp->mkdir('viaftp'), 'Net::FTP mkdir');
is($ftp->code, 257, '257');
ok(-d "$home/viaftp", 'created');
$ftp->quit;
done_testing;
