# TimeoutLogin, TimeoutIdle, TimeoutSession (spec/commands.md 1.3): the
# 421 text, then the close. `1 second` only for the login timeout (as
# measured on 1.3.8).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Test::More;
use ProFTPD::TestServer;

{
    my $srv = ProFTPD::TestServer->demo(config => "TimeoutLogin 1\n");
    my $c = $srv->raw;
    $c->banner;
    is($c->reply(5), "421 Login timeout (1 second): closing control connection\r\n",
        'TimeoutLogin');
    ok($c->expect_closed(3), 'closed');
}
{
    my $srv = ProFTPD::TestServer->demo(config => "TimeoutIdle 1\n");
    my $c = $srv->raw;
    $c->banner;
    $c->login('demo', 'demo');
    is($c->reply(5), "421 Idle timeout (1 seconds): closing control connection\r\n",
        'TimeoutIdle');
    ok($c->expect_closed(3), 'closed');
}
{
    my $srv = ProFTPD::TestServer->demo(config => "TimeoutSession 2\n");
    my $c = $srv->raw;
    $c->banner;
    $c->login('demo', 'demo');
    # Commands do not reset the session timer.
    is($c->cmd('NOOP'), "200 NOOP command successful\r\n", 'NOOP');
    is($c->reply(6), "421 Session Timeout (2 seconds): closing control connection\r\n",
        'TimeoutSession');
    ok($c->expect_closed(3), 'closed');
}
done_testing;
