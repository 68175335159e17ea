# SYST (spec/commands.md 2.1): no login needed.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Test::More;
use ProFTPD::TestServer;

my $srv = ProFTPD::TestServer->demo;
my $c = $srv->raw;
$c->banner;
is($c->cmd('SYST'), "215 UNIX Type: L8\r\n", 'SYST before login');
is($c->cmd('syst'), "215 UNIX Type: L8\r\n", 'lower case');
is($c->cmd('SYST extra'), "215 UNIX Type: L8\r\n", 'an argument is ignored');
$c->login('demo', 'demo');
is($c->cmd('SYST'), "215 UNIX Type: L8\r\n", 'SYST after login');

my $ftp = $srv->ftp;
is($ftp->quot('SYST'), 2, 'Net::FTP SYST');
is($ftp->message, "UNIX Type: L8\n", 'text');
$ftp->quit;
done_testing;
