# ABOR (spec commands.md 2.3 and 3). Replies are 1.3.8's, measured through
# the compat shim. The abort during a transfer is sent as Net::FTP's abort()
use strict;
use warnings;
use Cwd qw(realpath);
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Test::More;
use ProFTPD::TestServer;

# --- transfer helpers (each transfer test file carries this copy) ---
use IO::Select;
use IO::Socket::INET;
use Time::HiRes qw(time);

# PASV on the raw control connection $c, then connect to it.
sub data_conn {
    my ($c) = @_;
    my $r = $c->cmd('PASV') // '';
    $r =~ /\((\d+),(\d+),(\d+),(\d+),(\d+),(\d+)\)/ or die "PASV: $r";
    my $d = IO::Socket::INET->new(PeerAddr => "$1.$2.$3.$4", PeerPort => $5 * 256 + $6,
        Proto => 'tcp', Timeout => 5) or die "data connect: $!";
    binmode $d;
    return $d;
}

# Everything the server sends on $d until it closes (at most 5 s).
sub slurp {
    my ($d) = @_;
    my ($data, $sel, $deadline) = ('', IO::Select->new($d), time + 5);
    while ((my $left = $deadline - time) > 0) {
        last unless $sel->can_read($left);
        my $n = sysread($d, my $buf, 65536);
        last unless $n;
        $data .= $buf;
    }
    return $data;
}

# A download: (150 reply, data, final reply); without a 150, (reply).
sub retr {
    my ($c, $line) = @_;
    my $d = data_conn($c);
    my $r = $c->cmd($line);
    unless (defined $r && $r =~ /^150 /) { close $d; return ($r) }
    my $data = slurp($d);
    close $d;
    return ($r, $data, $c->reply);
}

# An upload of $bytes: (150 reply, final reply); without a 150, (reply).
sub stor {
    my ($c, $line, $bytes) = @_;
    my $d = data_conn($c);
    my $r = $c->cmd($line);
    unless (defined $r && $r =~ /^150 /) { close $d; return ($r) }
    local $SIG{PIPE} = 'IGNORE';
    my $off = 0;
    while ($off < length $bytes) {
        my $n = syswrite($d, $bytes, length($bytes) - $off, $off);
        last unless $n;
        $off += $n;
    }
    close $d;
    return ($r, $c->reply);
}

sub put_file {
    my ($path, $bytes, $mode) = @_;
    open(my $fh, '>', $path) or die "$path: $!";
    binmode $fh;
    print {$fh} $bytes;
    close $fh;
    chmod $mode, $path if defined $mode;
    chown 65534, 65534, $path if ProFTPD::TestServer::is_root();
}

sub get_file {
    my ($path) = @_;
    open(my $fh, '<', $path) or return undef;
    binmode $fh;
    local $/;
    my $t = <$fh>;
    close $fh;
    return $t;
}

sub login {
    my ($srv) = @_;
    my $c = $srv->raw;
    $c->banner;
    $c->login('demo', 'demo');
    return $c;
}
# --- end of transfer helpers ---

# sends it: Telnet IAC IP IAC as urgent data, then DM and ABOR.

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
my @log = map { (split / /, $_, 6)[5] } split /\n/, (get_file($srv->dir . '/xfer.log') // '');
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
