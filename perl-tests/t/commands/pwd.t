# PWD / XPWD (spec/commands.md 2.2): 257 with the quoted directory, an
# embedded " doubled (RFC 959 appendix II).
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
is($c->cmd('PWD'), "530 Please login with USER and PASS\r\n", 'PWD before login');
is($c->cmd('XPWD'), "530 Please login with USER and PASS\r\n", 'XPWD before login');
$c->login('demo', 'demo');
is($c->cmd('PWD'), "257 \"$home\" is the current directory\r\n", 'PWD');
is($c->cmd('XPWD'), "257 \"$home\" is the current directory\r\n", 'XPWD');
is($c->cmd('pwd'), "257 \"$home\" is the current directory\r\n", 'lower case');

mkdir "$home/a\"b" or die $!;
chown((stat $home)[4, 5], "$home/a\"b") if ProFTPD::TestServer::is_root();
is($c->cmd('CWD a"b'), "250 CWD command successful\r\n", 'CWD into a"b');
is($c->cmd('PWD'), "257 \"$home/a\"\"b\" is the current directory\r\n", 'quote doubled');
is($c->cmd('QUIT'), "221 Goodbye.\r\n", 'QUIT');

my $ftp = $srv->ftp;
$ftp->login('demo', 'demo') or die $ftp->message;
is($ftp->pwd, $home, 'Net::FTP pwd');
$ftp->quit;
done_testing;
