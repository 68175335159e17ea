# STOU (spec commands.md 2.4; RFC 1123 4.1.2.9). Replies are 1.3.8's,
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
my $c = $srv->raw;
$c->banner;
is($c->cmd('STOU'), "530 Please login with USER and PASS\r\n", 'before login');
$c->login('demo', 'demo');
my ($r) = stor($c, 'STOU', 'data');
like($r, qr/^550 ftp[A-Za-z0-9]{6}: Overwrite permission denied\r\n\z/,
    'AllowOverwrite off: refused after creating the file (measured)');
my ($name) = $r =~ /^550 (\S+):/;
ok(defined $name && -e "$home/$name", 'the empty file stays');
is(sprintf('%o', (stat "$home/$name")[2] & 07777), '600', 'mode 0600') if defined $name;
$c->cmd('REST 0');
$c->cmd('TYPE I');
$c->cmd('REST 2');
is((stor($c, 'STOU', 'x'))[0], "550 STOU incompatible with REST\r\n", 'after REST');
$srv->stop;

$srv = ProFTPD::TestServer->demo(config => "AllowOverwrite on\nTransferLog NONE\n");
$home = realpath($srv->home('demo'));
mkdir "$home/sub";
chown((stat $home)[4, 5], "$home/sub") if ProFTPD::TestServer::is_root();
$c = login($srv);
$c->cmd('TYPE I');
my ($r150, $end) = stor($c, 'STOU', 'uniq');
like($r150, qr/^150 FILE: ftp[A-Za-z0-9]{6}\r\n\z/, '150 FILE: <name>');
is($end, "226 Transfer complete\r\n", 'stored');
($name) = $r150 =~ /^150 FILE: (\S+)/;
is(get_file("$home/$name"), 'uniq', 'the data') if defined $name;
is(sprintf('%o', (stat "$home/$name")[2] & 07777), '644', 'then 0666 & ~Umask') if defined $name;
($r150) = stor($c, 'STOU ignored', 'x');
like($r150, qr/^150 FILE: ftp[A-Za-z0-9]{6}\r\n\z/, 'an argument is ignored');
is($c->cmd('CWD sub'), "250 CWD command successful\r\n", 'CWD');
($r150) = stor($c, 'STOU', 'in sub');
($name) = $r150 =~ /^150 FILE: (\S+)/;
ok(defined $name && -e "$home/sub/$name", 'in the current directory');
$srv->stop;

$srv = ProFTPD::TestServer->demo(config => "AllowOverwrite on\nStoreUniquePrefix up\nTransferLog NONE\n");
$c = login($srv);
($r150) = stor($c, 'STOU', 'x');
like($r150, qr/^150 FILE: up[A-Za-z0-9]{6}\r\n\z/, 'StoreUniquePrefix');
done_testing;
