# MaxInstances (spec/commands.md 1.1): over the limit the master closes
# the connection without any reply; once a session ends, a new one is
# accepted (SIGCHLD reaping).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Test::More;
use Time::HiRes qw(sleep time);
use ProFTPD::TestServer;

my $srv = ProFTPD::TestServer->demo(config => "MaxInstances 1\n");
my $first = $srv->raw;
like($first->banner, qr/^220 /, 'first connection served');

my $second = $srv->raw;
ok($second->expect_closed(5), 'second connection closed without a reply')
    or diag('got: ' . ($second->{extra} // ''));

is($first->cmd('NOOP'), "200 NOOP command successful\r\n", 'first session unaffected');
is($first->cmd('QUIT'), "221 Goodbye.\r\n", 'first session quits');
$first->expect_closed(3);

# The master must notice the exit; retry briefly (bounded).
my $banner;
my $deadline = time + 3;
while (time < $deadline) {
    my $c = $srv->raw;
    $banner = $c->reply(1);
    last if defined $banner;
    sleep 0.05;
}
like($banner // '', qr/^220 /, 'a new connection is served once the first has gone');
like($srv->system_log, qr/MaxInstances \(1\) reached, new connection denied/,
    'the refusal is logged')
    or diag($srv->system_log);
ok($srv->stop, 'stops within 2 s');
done_testing;
