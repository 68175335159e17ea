# HELP (spec/commands.md 2.1).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Test::More;
use ProFTPD::TestServer;

my $srv = ProFTPD::TestServer->demo;
my $c = $srv->raw;
$c->banner;
my $help = $c->cmd('HELP');
like($help, qr/\A214-The following commands are recognized \(\* =>'s unimplemented\):\r\n/,
    'header');
like($help, qr/\r\n214 Direct comments to ops\@example\.com\r\n\z/, 'footer names ServerAdmin');
my @lines = split /\r\n/, $help;
my @body = @lines[1 .. $#lines - 1];
ok(@body > 0, 'a command list');
is(scalar(grep { !/^ (?:[A-Z]+\*? *){1,8}$/ } @body), 0, 'lines of up to 8 names');
is(scalar(grep { length($_) != 1 + 8 * 8 } @body[0 .. $#body - 1]), 0,
    'each full line holds 8 names padded to 8 columns');
like($help, qr/ CWD /, 'CWD listed');
is($c->cmd('HELP CWD'), "214 Syntax: CWD <sp> pathname\r\n", 'HELP CWD');
is($c->cmd('help noop'), "214 Syntax: NOOP (no operation)\r\n", 'HELP noop');
is($c->cmd('HELP NOSUCH'), "502 Unknown command 'NOSUCH'\r\n", 'unknown command');
$c->login('demo', 'demo');
is($c->cmd('HELP'), $help, 'the same after login');
$c->disconnect;

my $srv2 = ProFTPD::TestServer->new(config => "ServerName \"T\"\n");
$c = $srv2->raw;
$c->banner;
# 1.3.8's default ServerAdmin is root@ the server's DNS name (127.0.0.1 is
# localhost in /etc/hosts).
like($c->cmd('HELP'), qr/\r\n214 Direct comments to root\@localhost\r\n\z/,
    'without ServerAdmin: root@<server name>');
done_testing;
