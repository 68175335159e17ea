# Daemon mode (issue 2, Build 4): `proftpd -q -c conf` returns to its caller,
# the PidFile names the master, SIGTERM ends it (and its sessions) within
# two seconds and removes the PidFile.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Test::More;
use Time::HiRes qw(sleep time);
use ProFTPD::TestServer;

my $srv = ProFTPD::TestServer->demo;
my $pid = $srv->pid;
ok($pid, "PidFile written ($pid)");
ok(ProFTPD::TestServer::alive($pid), 'master alive');
my $c = $srv->raw;
$c->banner;
$c->login('demo', 'demo');
my @sessions = $srv->session_pids;
is(scalar @sessions, 1, 'one session process, a child of the master');
ok($srv->stop, 'SIGTERM: master gone within 2 s');
ok(!-e $srv->dir . '/proftpd.pid', 'PidFile removed');
my $deadline = time + 2;
sleep 0.02 while (grep { ProFTPD::TestServer::alive($_) } @sessions) && time < $deadline;
ok(!ProFTPD::TestServer::alive($_), "session $_ gone too (within 2 s)") for @sessions;
ok($c->expect_closed(3), 'the client sees the close');
done_testing;
