# The 220 banner (spec/commands.md 1.1) per ServerIdent / DeferWelcome.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Test::More;
use ProFTPD::TestServer;

my @cases = (
    [ '',                             "220 ProFTPD Server (ProFTPD) [127.0.0.1]\r\n", 'default ServerName' ],
    [ "ServerName \"Banner Test\"\n", "220 ProFTPD Server (Banner Test) [127.0.0.1]\r\n", 'ServerName' ],
    [ "ServerIdent off\n",            "220 127.0.0.1 FTP server ready\r\n", 'ServerIdent off' ],
    [ "ServerIdent on \"Hello from %L\"\n", "220 Hello from 127.0.0.1\r\n", 'ServerIdent on with %L' ],
    [ "DeferWelcome on\n",            "220 ProFTPD Server ready.\r\n", 'DeferWelcome on' ],
);
for my $case (@cases) {
    my ($conf, $want, $name) = @$case;
    my $srv = ProFTPD::TestServer->new(config => $conf);
    my $c = $srv->raw;
    is($c->banner, $want, $name);
    is($c->cmd('QUIT'), "221 Goodbye.\r\n", "$name: QUIT");
    ok($srv->stop, "$name: stopped within 2 s");
}

# Net::FTP reads the same banner.
my $srv = ProFTPD::TestServer->new(config => "ServerName \"N\"\n");
my $ftp = $srv->ftp;
is($ftp->message, "ProFTPD Server (N) [127.0.0.1]\n", 'Net::FTP banner');
$ftp->quit;
done_testing;
