# TYPE (spec/commands.md 2.3): no login needed.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Test::More;
use ProFTPD::TestServer;

my $srv = ProFTPD::TestServer->demo;
my $c = $srv->raw;
$c->banner;
is($c->cmd('TYPE I'), "200 Type set to I\r\n", 'TYPE I before login');
$c->login('demo', 'demo');
is($c->cmd('TYPE A'), "200 Type set to A\r\n", 'TYPE A');
is($c->cmd('TYPE i'), "200 Type set to i\r\n", 'the argument is echoed as sent');
is($c->cmd('TYPE A N'), "200 Type set to A\r\n", 'TYPE A N');
is($c->cmd('TYPE L 8'), "200 Type set to L\r\n", 'TYPE L 8');
is($c->cmd('TYPE L 7'), "200 Type set to L\r\n", 'TYPE L 7');
is($c->cmd('TYPE L'), "504 TYPE not implemented for 'L' parameter\r\n", 'TYPE L');
is($c->cmd('TYPE L 9'), "504 TYPE not implemented for 'L' parameter\r\n", 'TYPE L 9');
is($c->cmd('TYPE E'), "504 TYPE not implemented for 'E' parameter\r\n", 'TYPE E');
is($c->cmd('TYPE X'), "504 TYPE not implemented for 'X' parameter\r\n", 'TYPE X');
is($c->cmd('TYPE'), "500 'TYPE' not understood\r\n", 'no argument');

my $ftp = $srv->ftp;
$ftp->login('demo', 'demo') or die $ftp->message;
ok($ftp->binary, 'Net::FTP binary');
ok($ftp->ascii, 'Net::FTP ascii');
$ftp->quit;
done_testing;
