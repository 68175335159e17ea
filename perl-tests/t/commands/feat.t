# FEAT (spec/commands.md 4): 211-Features:, one feature per line after a
# space, sorted by strcmp, 211 End. The list itself depends on the modules
# compiled in, so only its form and the core entries are checked.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Test::More;
use ProFTPD::TestServer;

my $srv = ProFTPD::TestServer->demo;
my $c = $srv->raw;
$c->banner;
my $feat = $c->cmd('FEAT');
like($feat, qr/\A211-Features:\r\n/, 'header');
like($feat, qr/\r\n211 End\r\n\z/, 'footer');
my @lines = split /\r\n/, $feat;
my @features = @lines[1 .. $#lines - 1];
ok(@features > 0, 'some features');
is(scalar(grep { !/^ \S/ } @features), 0, 'each feature line starts with one space');
is_deeply([map { substr($_, 1) } @features], [sort map { substr($_, 1) } @features],
    'sorted by strcmp');
ok((grep { $_ eq ' CLNT' } @features), 'CLNT listed');
is($c->cmd('FEAT x'), "501 Invalid number of parameters\r\n", 'FEAT with an argument');
$c->login('demo', 'demo');
is($c->cmd('FEAT'), $feat, 'the same after login');

my $ftp = $srv->ftp;
ok($ftp->feature('CLNT'), 'Net::FTP sees CLNT');
$ftp->quit;
done_testing;
