# APPE (spec commands.md 2.4). Replies are 1.3.8's, measured through the
# compat shim.
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


my $srv = ProFTPD::TestServer->demo(config => "TransferLog NONE\n");
my $home = realpath($srv->home('demo'));
put_file("$home/old", 'old');
my $c = $srv->raw;
$c->banner;
is($c->cmd('APPE x'), "530 Please login with USER and PASS\r\n", 'before login');
$c->login('demo', 'demo');
$c->cmd('TYPE I');
is($c->cmd('APPE'), "500 'APPE' not understood\r\n", 'no argument');
is_deeply([stor($c, 'APPE new', 'more')],
    ["150 Opening BINARY mode data connection for new\r\n", "226 Transfer complete\r\n"], 'a new file');
is(get_file("$home/new"), 'more', 'created');
is((stor($c, 'APPE old', 'x'))[0], "451 old: Append/Restart not permitted, try again\r\n",
    'an existing file needs AllowStoreRestart');
is(get_file("$home/old"), 'old', 'untouched');
$c->cmd('REST 2');
is((stor($c, 'APPE new5', 'QQ'))[0], "554 REST: invalid new5 argument\r\n", 'REST beyond the end');
is($c->cmd('QUIT'), "221 Goodbye.\r\n", 'QUIT');
$srv->stop;

# AllowStoreRestart on (AllowOverwrite still off: APPE is no overwrite).
$srv = ProFTPD::TestServer->demo(config => "AllowStoreRestart on\nTransferLog NONE\n");
$home = realpath($srv->home('demo'));
put_file("$home/f", '0123');
$c = login($srv);
$c->cmd('TYPE I');
is((stor($c, 'APPE f', '45'))[1], "226 Transfer complete\r\n", 'append');
is(get_file("$home/f"), '012345', 'appended');
is((stor($c, 'APPE f', "a\r\n"))[1], "226 Transfer complete\r\n", 'again');
is(get_file("$home/f"), "012345a\r\n", 'binary kept CRLF');
$c->cmd('TYPE A');
is((stor($c, 'APPE f', "b\r\n"))[0], "150 Opening ASCII mode data connection for f\r\n", 'ASCII');
is(get_file("$home/f"), "012345a\r\nb\n", 'ASCII translated');
$c->cmd('TYPE I');
$c->cmd('REST 2');
is((stor($c, 'APPE f', 'YY'))[1], "226 Transfer complete\r\n", 'REST then APPE');
is(get_file("$home/f"), "01YY45a\r\nb\n", 'written at the offset, not at the end (measured)');
is($c->cmd('RANG 1 2'), "350 Transferring byte range of 2 bytes starting from 1\r\n", 'RANG');
is((stor($c, 'APPE f', 'x'))[0], "550 APPE incompatible with RANG\r\n", 'APPE after RANG');
done_testing;
