# ABOR (spec commands.md 2.3 and 3). Replies are 1.3.8's, measured through
# the compat shim. The abort during a transfer is sent as Net::FTP's abort()
# sends it: Telnet IAC IP IAC as urgent data, then DM and ABOR.
use strict;
use warnings;
use Cwd qw(realpath);
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Test::More;
use ProFTPD::TestServer;
use ProFTPD::DataConn qw(data_conn login);
use ProFTPD::Files qw(put_file read_file);
use Socket qw(MSG_OOB);

sub send_abor {
    my ($c) = @_;
    send($c->sock, "\xff\xf4\xff", MSG_OOB);
    $c->send_raw("\xf2ABOR\r\n");
}

my $srv = ProFTPD::TestServer->demo(config => "AllowOverwrite on\nTransferLog {dir}/xfer.log\n");
my $home = realpath($srv->home('demo'));
put_file("$home/f", '0123456789');
put_file("$home/huge", 'x' x (64 * 1024 * 1024));
my $c = $srv->raw;
$c->banner;
is($c->cmd('ABOR'), "530 Please login with USER and PASS\r\n", 'before login');
$c->login('demo', 'demo');
is($c->cmd('HELP ABOR'), "214 Syntax: ABOR (abort current operation)\r\n", 'HELP ABOR');
is($c->cmd('ABOR'), "226 Abort successful\r\n", 'no transfer: just 226');
is($c->cmd('ABOR x'), "500 'ABOR x' not understood\r\n", 'an argument');
$c->cmd('TYPE I');

# ABOR forgets a pending PASV: the RETR that follows has no listener.
like($c->cmd('PASV'), qr/^227 /, 'PASV');
is($c->cmd('ABOR'), "226 Abort successful\r\n", 'ABOR');
like($c->cmd('RETR f'), qr/^425 Unable to build data connection: /, 'the PASV is gone');

# During a RETR: the transfer's 426, then ABOR's 226.
my $d = data_conn($c);
is($c->cmd('RETR huge'), "150 Opening BINARY mode data connection for huge (67108864 bytes)\r\n", 'RETR');
sysread($d, my $buf, 1000);
send_abor($c);
is($c->reply(10), "426 Transfer aborted. Data connection closed.\r\n", 'the 426 (with a period, measured)');
close $d;
is($c->reply(10), "226 Abort successful\r\n", 'then the 226');
is($c->cmd('NOOP'), "200 NOOP command successful\r\n", 'the session goes on');

# During a STOR: the partial file stays by default.
$d = data_conn($c);
is($c->cmd('STOR part'), "150 Opening BINARY mode data connection for part\r\n", 'STOR');
syswrite($d, 'y' x 100000);
for (1 .. 100) { last if (-s "$home/part" // 0) >= 100000; select(undef, undef, undef, 0.02) }
send_abor($c);
# 1.3.8 sends the 226 once the client has closed its end.
my $two = $c->reply(10) // '';
close $d;
$two .= $c->reply(10) // '';
is($two, "426 Transfer aborted. Data connection closed.\r\n226 Abort successful\r\n", '426 then 226');
is(-s "$home/part", 100000, 'the partial upload is kept');
is($c->cmd('QUIT'), "221 Goodbye.\r\n", 'QUIT');
$srv->stop;
my @log = map { (split / /, $_, 6)[5] } split /\n/, (read_file($srv->dir . '/xfer.log') // '');
like($log[-1], qr{^\d+ \S+ 100000 \Q$home\E/part b _ i r demo ftp 0 \* i$},
    'xferlog: the aborted upload, incomplete');
like($log[-2], qr{^\d+ \S+ \d+ \Q$home\E/huge b _ o r demo ftp 0 \* i$},
    'xferlog: the aborted download, incomplete');

# DeleteAbortedStores and HiddenStores remove what an ABOR left.
for my $t (['DeleteAbortedStores on', 'part'], ['HiddenStores on', '.in.part.']) {
    $srv = ProFTPD::TestServer->demo(config => "$t->[0]\nTransferLog NONE\n");
    $home = realpath($srv->home('demo'));
    $c = login($srv);
    $c->cmd('TYPE I');
    $d = data_conn($c);
    $c->cmd('STOR part');
    syswrite($d, 'y' x 100000);
    for (1 .. 100) { last if (-s "$home/$t->[1]" // 0) >= 100000; select(undef, undef, undef, 0.02) }
    send_abor($c);
    $two = $c->reply(10) // '';
    close $d;
    $two .= $c->reply(10) // '';
    is($two, "426 Transfer aborted. Data connection closed.\r\n226 Abort successful\r\n",
        "$t->[0]: 426 then 226");
    ok(!-e "$home/part" && !-e "$home/.in.part.", "$t->[0]: nothing left");
    $srv->stop;
}
done_testing;
