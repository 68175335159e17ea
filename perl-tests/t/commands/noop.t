# NOOP (spec/commands.md 2.1).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Test::More;
use ProFTPD::TestServer;

my $srv = ProFTPD::TestServer->demo;
my $c = $srv->raw;
$c->banner;
is($c->cmd('NOOP'), "200 NOOP command successful\r\n", 'NOOP before login');
is($c->cmd('noop'), "200 NOOP command successful\r\n", 'lower case');
$c->login('demo', 'demo');
is($c->cmd('NOOP'), "200 NOOP command successful\r\n", 'NOOP after login');

my $ftp = $srv->ftp;
is($ftp->quot('NOOP'), 2, 'Net::FTP NOOP');
$ftp->quit;
done_testing;
