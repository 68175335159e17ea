# RANG (spec commands.md 2.3; draft-bryan-ftp-range). Replies are 1.3.8's,
# measured through the compat shim.
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
put_file("$home/a", "0123456789\n");
my $c = $srv->raw;
$c->banner;
is($c->cmd('RANG 1 2'), "530 Please login with USER and PASS\r\n", 'before login');
$c->login('demo', 'demo');
is($c->cmd('HELP RANG'), "214 Syntax: RANG <sp> start-point <sp> end-point\r\n", 'HELP RANG');
like($c->cmd('FEAT'), qr/\r\n RANG STREAM\r\n/, 'FEAT lists RANG STREAM');

my $ascii = "551 RANG: Transfer ranges not allowed in ASCII mode\r\n";
my $bad = "501 RANG requires a value greater than or equal to 0\r\n";
for my $t (
    ['RANG', "500 'RANG' not understood\r\n"],
    ['RANG 1', "500 'RANG 1' not understood\r\n"],
    ['RANG 1 2 3', "500 'RANG 1 2 3' not understood\r\n"],
    ['RANG a b', $bad],
    ['RANG -1 3', $bad],
    ['RANG 3 1', "501 RANG start must be less than end\r\n"],
    ['RANG 2 2', $ascii],
    ['RANG 0 0', $ascii],
    ['RANG 1 0', "350 Reset byte transfer range\r\n"],
) {
    is($c->cmd($t->[0]), $t->[1], "ASCII: $t->[0]");
}
$c->cmd('TYPE I');
my $range = sub { my ($n, $s) = @_; "350 Transferring byte range of $n byte" . ($n eq '1' ? '' : 's')
    . " starting from $s\r\n" };
for my $t (
    ['RANG 2 5', $range->(4, 2)],
    ['RANG 10 10', $range->(1, 10)],
    ['RANG +1 +5', $range->(5, 1)],
    ['RANG 1 99999999999999999999999', "501 RANG start must be less than end\r\n"],
    ['RANG 99999999999999999999 99999999999999999999999', $range->(1, '18446744073709551615')],
) {
    is($c->cmd($t->[0]), $t->[1], $t->[0]);
}

for my $t (
    ['RANG 2 5', '2345', 4],
    ['RANG 0 5', '012345', 6],
    ['RANG 3 10', "3456789\n", 8],
    ['RANG 10 10', "\n", '1'],
    ['RANG 0 11', "0123456789\n", 11],
) {
    $c->cmd($t->[0]);
    my $unit = $t->[2] eq '1' ? 'byte' : 'bytes';
    is_deeply([retr($c, 'RETR a')],
        ["150 Opening BINARY mode data connection for a ($t->[2] $unit)\r\n", $t->[1],
         "226 Transfer complete\r\n"], "$t->[0] then RETR");
}
is((retr($c, 'RETR a'))[1], "0123456789\n", 'the range was for one transfer');
$c->cmd('RANG 3 11');
is((retr($c, 'RETR a'))[0], "554 a: invalid RANG argument\r\n", 'end past the file (measured)');
$c->cmd('RANG 20 100');
is((retr($c, 'RETR a'))[0], "554 RANG: invalid a argument\r\n", 'start past the file (measured)');
$c->cmd('RANG 2 5');
$c->cmd('RANG 1 0');
is((retr($c, 'RETR a'))[1], "0123456789\n", 'RANG 1 0 resets');
$c->cmd('RANG 2 5');
$c->cmd('REST 1');
is((retr($c, 'RETR a'))[1], "123456789\n", 'a later REST replaces the range');
$c->cmd('REST 1');
$c->cmd('RANG 2 5');
is((retr($c, 'RETR a'))[1], '2345', 'a later RANG replaces the REST');
$c->cmd('RANG 2 5');
$c->cmd('TYPE A');
is_deeply([retr($c, 'RETR a')],
    ["150 Opening ASCII mode data connection for a (4 bytes)\r\n", '2345',
     "226 Transfer complete\r\n"], 'a range set in TYPE I also applies in TYPE A');
done_testing;
