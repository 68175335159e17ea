# Root tier (issue 2, Tests): after 230 the session process runs as the
# user's uid and gids, seen from outside (/proc/PID/status), and DefaultRoot
# ~ confines it to its home. Needs root: the daemon can only switch
# identities when started as root.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Test::More;
use Time::HiRes qw(sleep time);
use ProFTPD::TestServer qw(skip_unless_root);
use ProFTPD::Files qw(read_file);

skip_unless_root();

my $srv = ProFTPD::TestServer->demo(config => "DefaultRoot ~\n");
my $c = $srv->raw;
$c->banner;
$c->login('demo', 'demo');

my @sessions;
my $deadline = time + 3;
while (time < $deadline) {
    @sessions = $srv->session_pids;
    last if @sessions;
    sleep 0.02;
}
is(scalar @sessions, 1, 'one session process');
my $status = read_file("/proc/$sessions[0]/status") // '';
my ($uids) = $status =~ /^Uid:\s+(.*)$/m;
my ($gids) = $status =~ /^Gid:\s+(.*)$/m;
is(join(' ', split ' ', $uids // ''), '65534 65534 65534 65534', 'real, effective, saved, fs uid');
is(join(' ', split ' ', $gids // ''), '65534 65534 65534 65534', 'real, effective, saved, fs gid');
is($c->cmd('PWD'), "257 \"/\" is the current directory\r\n", 'chrooted: home is /');
is($c->cmd('CDUP'), "250 CDUP command successful\r\n", 'CDUP at the root');
is($c->cmd('PWD'), "257 \"/\" is the current directory\r\n", 'still /');
is($c->cmd('CWD /etc'), "550 /etc: No such file or directory\r\n", '/etc is not visible');
my $root = readlink("/proc/$sessions[0]/root");
is($root, $srv->home('demo'), 'the process root is the home directory');
is($c->cmd('QUIT'), "221 Goodbye.\r\n", 'QUIT');
done_testing;
