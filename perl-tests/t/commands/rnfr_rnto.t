# RNFR / RNTO (spec/commands.md 2.2).
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
is($c->cmd('RNFR x'), "530 Please login with USER and PASS\r\n", 'RNFR before login');
# 1.3.8 answers RNTO before login twice (measured): two 530 lines.
$c->send_line('RNTO x');
is($c->reply, "530 Please login with USER and PASS\r\n", 'RNTO before login');
is($c->reply, "530 Please login with USER and PASS\r\n", 'RNTO before login: the second 530');
is($c->cmd('NOOP'), "200 NOOP command successful\r\n", 'in step again');
$c->login('demo', 'demo');
is($c->cmd('RNTO x'), "503 Bad sequence of commands\r\n", 'RNTO without RNFR');
is($c->cmd('RNFR'), "501 Invalid number of parameters\r\n", 'RNFR without argument');
is($c->cmd('RNFR nope'), "550 nope: No such file or directory\r\n", 'RNFR of a missing file');
$c->cmd('MKD a');
is($c->cmd('RNFR a'), "350 File or directory exists, ready for destination name\r\n", 'RNFR');
is($c->cmd('RNTO b'), "250 Rename successful\r\n", 'RNTO');
ok(-d "$home/b" && !-e "$home/a", 'renamed');
is($c->cmd('RNTO c'), "503 Bad sequence of commands\r\n", 'RNTO twice');
is($c->cmd('RNFR b'), "350 File or directory exists, ready for destination name\r\n", 'RNFR b');
$c->cmd('NOOP');
# 1.3.8 keeps the RNFR path across other commands (measured).
is($c->cmd('RNTO c'), "250 Rename successful\r\n",
    'a NOOP between RNFR and RNTO does not cancel the rename');
ok(-d "$home/c", 'renamed to c');
# Between RNFR and RNTO 1.3.8 refuses most commands, a second RNFR too
# (measured): the pending rename survives them.
is($c->cmd('RNFR c'), "350 File or directory exists, ready for destination name\r\n", 'RNFR c');
is($c->cmd('PWD'), "501 Bad sequence of commands\r\n", 'PWD while a rename is pending');
is($c->cmd('RNFR c'), "501 Bad sequence of commands\r\n", 'RNFR while a rename is pending');
is($c->cmd('RNTO b'), "250 Rename successful\r\n", 'the pending rename still completes');
ok(-d "$home/b" && !-e "$home/c", 'renamed back to b');
is($c->cmd('QUIT'), "221 Goodbye.\r\n", 'QUIT');

my $ftp = $srv->ftp;
$ftp->login('demo', 'demo') or die $ftp->message;
ok($ftp->rename('b', 'd'), 'Net::FTP rename');
ok(-d "$home/d", 'renamed');
$ftp->quit;
done_testing;
