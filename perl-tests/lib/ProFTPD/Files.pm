package ProFTPD::Files;

# Local files of the Perl suite: fixtures the tests put into a user's home
# and the bytes the server stored, read back. Bytes in, bytes out (no
# layers). Core Perl only; no other ProFTPD:: module, so TestServer.pm can
# use it too.
#
#   use ProFTPD::Files qw(put_file read_file);
#   put_file("$home/f", '0123456789');          # owned by the session user
#   is(read_file("$home/f"), '0123456789');

use strict;
use warnings;

use Exporter 'import';
our @EXPORT_OK = qw(read_file write_file put_file session_ids);

# The uid and gid a harness session runs as: 65534 (nobody) under root,
# else the test's own ids. Fixtures owned by them are the user's own.
sub session_ids {
    return $> == 0 ? (65534, 65534) : ($>, $) + 0);
}

# The whole file; undef when it cannot be opened (e.g. it does not exist).
sub read_file {
    my ($path) = @_;
    open(my $fh, '<', $path) or return undef;
    binmode $fh;
    local $/;
    my $t = <$fh>;
    close $fh;
    return $t;
}

# Creates or truncates $path with $bytes; dies on error.
sub write_file {
    my ($path, $bytes) = @_;
    open(my $fh, '>', $path) or die "$path: $!";
    binmode $fh;
    print {$fh} $bytes;
    close $fh or die "$path: $!";
}

# A fixture for a session: write_file, then chmod to $mode (if given) and,
# under root, chown to the session user (65534) so it may change it.
sub put_file {
    my ($path, $bytes, $mode) = @_;
    write_file($path, $bytes);
    chmod $mode, $path if defined $mode;
    chown session_ids(), $path if $> == 0;
}

1;
