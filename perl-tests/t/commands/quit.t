# QUIT (spec/commands.md 1.4): 221 Goodbye. then the server closes.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Test::More;
use ProFTPD::TestServer;
use Time::HiRes qw(sleep time);

my $srv = ProFTPD::TestServer->demo;
{
    my $c = $srv->raw;
    $c->banner;
    is($c->cmd('QUIT'), "221 Goodbye.\r\n", 'QUIT before login');
    ok($c->expect_closed(3), 'closed');
}
{
    my $c = $srv->raw;
    $c->banner;
    $c->login('demo', 'demo');
    is($c->cmd('quit'), "221 Goodbye.\r\n", 'QUIT after login');
    ok($c->expect_closed(3), 'closed');
}
{
    my $ftp = $srv->ftp;
    $ftp->login('demo', 'demo') or die $ftp->message;
    ok($ftp->quit, 'Net::FTP quit');
}
# The sessions are gone once they said goodbye.
my $deadline = time + 3;
sleep 0.05 while (() = $srv->session_pids) && time < $deadline;
is(scalar(() = $srv->session_pids), 0, 'no session process left');
done_testing;
