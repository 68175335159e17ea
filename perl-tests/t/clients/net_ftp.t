# Perl's Net::FTP (core) as a real client (issue 3, "Acceptance"): put, get
# (also resumed), append, ascii and binary, ls (NLST), dir (LIST), size,
# mdtm and abort during a large RETR.  The files the server stores are
# checked on disk; replies are ProFTPD 1.3.8's (measured with this config).
use strict;
use warnings;
use Cwd qw(realpath);
use File::Temp qw(tempdir);
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Test::More;
use Time::Local qw(timegm);
use ProFTPD::TestServer;
use ProFTPD::Files qw(read_file write_file);

my $srv = ProFTPD::TestServer->demo(config => "AllowOverwrite on\n"
    . "AllowStoreRestart on\n"
    . "TransferLog {dir}/xferlog\n");
my $home = realpath($srv->home('demo'));
my @owner = (stat $home)[4, 5];
my $local = tempdir('net-ftp.XXXXXX', TMPDIR => 1, CLEANUP => 1);

# Writes a file; one in the home is given to the session user (under root
# the session runs as 65534).
sub spew {
    my ($path, $bytes) = @_;
    write_file($path, $bytes);
    chown @owner, $path if ProFTPD::TestServer::is_root() && index($path, $home) == 0;
}

# Binary test data: every byte value, CR/LF pairs and lone CRs.
my $data = join('', map { chr } 0 .. 255) x 1000 . "\r\n\n\r";
# Text with LF line ends.
my $text = join('', map { "line $_: " . ('y' x ($_ % 60)) . "\n" } 1 .. 1500);

my $ftp = $srv->ftp;
ok($ftp->login('demo', 'demo'), 'login') or BAIL_OUT($ftp->message);

# --- binary put/get
ok($ftp->binary, 'binary');
is($ftp->message, "Type set to I\n", 'TYPE I reply');
spew("$local/data.bin", $data);
is($ftp->put("$local/data.bin", 'data.bin'), 'data.bin', 'put');
is($ftp->code, 226, 'put ends with 226');
ok(read_file("$home/data.bin") eq $data, 'put: bytes on disk');
is($ftp->get('data.bin', "$local/got.bin"), "$local/got.bin", 'get');
ok(read_file("$local/got.bin") eq $data, 'get: bytes');

# get resumed at an offset (REST): the local file holds the first part.
spew("$local/part.bin", substr($data, 0, 1000));
ok($ftp->get('data.bin', "$local/part.bin", 1000), 'get with offset');
ok(read_file("$local/part.bin") eq $data, 'resumed get: bytes');

# put over an existing file (AllowOverwrite on) truncates it.
spew("$local/short.bin", "short");
ok($ftp->put("$local/short.bin", 'data.bin'), 'put over an existing file');
is(read_file("$home/data.bin"), 'short', 'overwritten');

# --- append
ok(!-e "$home/app.bin", 'no app.bin yet');
spew("$local/a1", substr($data, 0, 7000));
spew("$local/a2", substr($data, 7000));
ok($ftp->append("$local/a1", 'app.bin'), 'append creates');
ok($ftp->append("$local/a2", 'app.bin'), 'append appends');
is($ftp->code, 226, 'APPE ends with 226');
ok(read_file("$home/app.bin") eq $data, 'append: bytes on disk');

# --- ascii put/get: Net::FTP sends CRLF, the server stores LF; on the way
# back the server sends CRLF and Net::FTP gives LF.
ok($ftp->ascii, 'ascii');
is($ftp->message, "Type set to A\n", 'TYPE A reply');
spew("$local/text.txt", $text);
ok($ftp->put("$local/text.txt", 'text.txt'), 'ascii put');
ok(read_file("$home/text.txt") eq $text, 'ascii put: LF text on disk');
ok($ftp->get('text.txt', "$local/text-back.txt"), 'ascii get');
ok(read_file("$local/text-back.txt") eq $text, 'ascii get: LF text');

# The raw data connection of an ASCII RETR: CRLF line ends.
my $conn = $ftp->retr('text.txt');
ok($conn, 'ascii retr');
my ($wire, $buf) = ('');
$wire .= $buf while $conn->Net::FTP::dataconn::read($buf, 65536);
ok($conn->close, 'ascii retr completes');
(my $want = $text) =~ s/\n/\r\n/g;
ok($wire eq $want, 'ascii RETR wire bytes are CRLF')
    or diag(length($wire) . " bytes, want " . length($want));

# --- size: binary only (1.3.8 refuses SIZE in ASCII mode, measured).
is($ftp->size('text.txt'), undef, 'SIZE in ASCII mode');
is($ftp->message, "SIZE not allowed in ASCII mode\n", 'its reply');
ok($ftp->binary, 'back to binary');
is($ftp->size('text.txt'), length($text), 'SIZE');
is($ftp->size('app.bin'), length($data), 'SIZE of the appended file');
is($ftp->size('nope'), undef, 'SIZE of a missing file');
is($ftp->message, "nope: No such file or directory\n", 'its reply');

# --- mdtm: UTC
my $stamp = timegm(6, 5, 4, 3, 1, 2001);    # 2001-02-03 04:05:06 UTC
utime $stamp, $stamp, "$home/app.bin";
is($ftp->mdtm('app.bin'), $stamp, 'MDTM');
is($ftp->message, "20010203040506\n", 'MDTM reply text');

# --- ls (NLST) and dir (LIST)
ok($ftp->mkdir('list dir'), 'mkdir');
my %files = ('a' => "alpha\n", 'b c' => 'z' x 4321, 'empty' => '');
for my $f (sort keys %files) {
    spew("$local/up", $files{$f});
    ok($ftp->put("$local/up", "list dir/$f"), "put list dir/$f");
}
ok($ftp->mkdir('list dir/inner'), 'mkdir inner');
is_deeply([ sort @{ $ftp->ls('list dir') || [] } ],
    [ map { "list dir/$_" } sort(keys %files, 'inner') ], 'ls names');
ok($ftp->cwd('list dir'), 'cwd');
is_deeply([ sort @{ $ftp->ls || [] } ], [ sort(keys %files, 'inner') ], 'ls of the cwd');
my %listed;
for my $line (@{ $ftp->dir || [] }) {
    if ($line =~ /^([-d])[-rwxsStT]{9} +\d+ +\S+ +\S+ +(\d+) [A-Z][a-z]{2} [ 123]\d (?:\d\d:\d\d| \d{4}) (.+)$/) {
        $listed{$3} = [ $1, $2 ];
    } else {
        fail("LIST line format: '$line'");
    }
}
is_deeply({ map { $_ => $listed{$_} } grep { $_ ne 'inner' } keys %listed },
    { map { $_ => [ '-', length $files{$_} ] } keys %files }, 'dir: names and sizes');
is($listed{inner}[0], 'd', 'dir: the subdirectory');
ok($ftp->cdup, 'cdup');

# --- abort during a large RETR
spew("$home/big.bin", "0123456789abcdef" x (2 << 20));    # 32 MiB
$conn = $ftp->retr('big.bin');
ok($conn, 'retr big.bin');
my $n = $conn->read($buf, 65536);
ok($n, 'some data arrived');
ok($conn->abort, 'abort');
is($ftp->code, 226, 'ABOR ends with 226');
is($ftp->message, "Abort successful\n", 'its reply');
is($ftp->quot('NOOP'), 2, 'the session carries on');
is($ftp->size('big.bin'), 32 << 20, 'and the file is intact');

ok($ftp->quit, 'quit');
done_testing;
