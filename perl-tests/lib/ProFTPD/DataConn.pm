package ProFTPD::DataConn;

# Transfers on a raw control connection (ProFTPD::TestServer::Control),
# byte for byte: the client side of a passive data connection, with every
# wait bounded. Core Perl only.
#
#   use ProFTPD::DataConn qw(login retr stor);
#   my $c = login($srv);                          # demo/demo, logged in
#   my ($r150, $data, $r226) = retr($c, 'RETR a.txt');
#   my ($r150b, $r226b) = stor($c, 'STOR b.txt', $bytes);

use strict;
use warnings;

use IO::Select;
use IO::Socket::INET;
use Time::HiRes qw(time);

use Exporter 'import';
our @EXPORT_OK = qw(data_conn slurp retr stor listing login);

# How long a data connection may take to connect and to deliver all its
# bytes.
our $DATA_TIMEOUT = 5;

# PASV on the raw control connection $c, then connect to it; dies when
# there is no 227 or no connection.
sub data_conn {
    my ($c) = @_;
    my $r = $c->cmd('PASV');
    ($r // '') =~ /\((\d+),(\d+),(\d+),(\d+),(\d+),(\d+)\)/
        or die "PASV: " . ($r // $c->{error});
    my $d = IO::Socket::INET->new(PeerAddr => "$1.$2.$3.$4", PeerPort => $5 * 256 + $6,
        Proto => 'tcp', Timeout => $DATA_TIMEOUT) or die "data connect: $!";
    binmode $d;
    return $d;
}

# Everything the server sends on $d until it closes (at most
# $DATA_TIMEOUT seconds).
sub slurp {
    my ($d) = @_;
    my ($data, $sel, $deadline) = ('', IO::Select->new($d), time + $DATA_TIMEOUT);
    while ((my $left = $deadline - time) > 0) {
        last unless $sel->can_read($left);
        my $n = sysread($d, my $buf, 65536);
        last unless $n;
        $data .= $buf;
    }
    return $data;
}

# A download (RETR, MLSD, ...): (150 reply, data, final reply); without a
# 150, (reply).
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

# A listing (LIST, NLST): (the control replies joined, the data). A reply
# that does not come reads "(no reply: why)". 1.3.8 sends its 226 only once
# the client has closed its end too, so the data side is closed first.
sub listing {
    my ($c, $line) = @_;
    my $d = data_conn($c);
    my $first = $c->cmd($line) // "(no reply: $c->{error})";
    my $data = '';
    if ($first =~ /^150 /) {
        $data = slurp($d);
        close $d;
        $first .= $c->reply // "(no reply: $c->{error})";
        return ($first, $data);
    }
    close $d;
    return ($first, $data);
}

# A raw control connection to $srv (a ProFTPD::TestServer), banner read,
# logged in as demo/demo.
sub login {
    my ($srv) = @_;
    my $c = $srv->raw;
    $c->banner;
    $c->login('demo', 'demo');
    return $c;
}

1;
