# Root tier (issue 3, Bad input): a DefaultRoot ~ session with a real uid
# cannot leave its home through `..` chains, absolute paths, a symlink to
# /etc (absolute) or a symlink to ../../.. (relative), whatever command it
# uses: RETR, STOR, LIST, NLST, MLSD, MLST, SIZE, MDTM, DELE, RNFR/RNTO,
# MKD. A canary file outside the root must stay untouched and never show in
# a listing. Driven through Net::FTP; the replies are 1.3.8's, measured
# through the compat shim (tests/bad_input.rs checks the same in Rust).
use strict;
use warnings;
use Cwd qw(realpath);
use FindBin;
use lib "$FindBin::Bin/../../lib";
use File::Temp qw(tempdir);
use Test::More;
use ProFTPD::TestServer qw(skip_unless_root);
use ProFTPD::Files qw(read_file write_file);

skip_unless_root();

# A uid and gid nobody on the system has: only the AuthUserFile gives them.
my ($UID, $GID) = (54341, 54342);
my $CANARY = 'canary-outside-root';

my $srv = ProFTPD::TestServer->new(
    users  => [ { name => 'jail', password => 'demo', uid => $UID, gid => $GID } ],
    config => "ServerName \"T\"\n"
        . "AuthOrder mod_auth_file.c\n"
        . "AuthUserFile {dir}/ftpd.passwd\n"
        . "AuthGroupFile {dir}/ftpd.group\n"
        . "RequireValidShell off\n"
        . "TransferLog NONE\n"
        . "DefaultRoot ~\n",
);
my $dir  = realpath($srv->dir);
my $home = realpath($srv->home('jail'));

# Outside the root: a directory with the canary.
my $out = "$dir/outside";
mkdir $out or die "$out: $!";
write_file("$out/$CANARY", "do not touch\n");
my $canary = "$out/$CANARY";
my @canary_before = (stat $canary)[7, 9];
my @out_before = names($out);
my $passwd_size = -s '/etc/passwd';

# Inside: a file, a directory and the ways out.
write_file("$home/inside", "inside\n");
chown $UID, $GID, "$home/inside";
mkdir "$home/sub";
chown $UID, $GID, "$home/sub";
symlink '/etc',     "$home/etc-abs"    or die $!;
symlink '../../..', "$home/up-rel"     or die $!;
symlink $out,       "$home/outdir-abs" or die $!;
symlink $canary,    "$home/canary-abs" or die $!;
my $dotdot = "../../outside/$CANARY";    # the canary, were there no chroot

my $ftp = $srv->ftp;
ok($ftp->login('jail', 'demo'), 'login') or diag($ftp->message);
$ftp->binary;
$ftp->pwd;
is(reply($ftp), '257 "/" is the current directory', 'PWD is /');

my $local_dir = tempdir(CLEANUP => 1);
my $local = "$local_dir/got";

# RETR through every way out: 550, nothing read.
for my $path ('../../../../etc/passwd', '/etc/passwd', $canary, $dotdot,
    'etc-abs/passwd', "up-rel/$CANARY", "outdir-abs/$CANARY") {
    ok(!defined $ftp->get($path, $local), "RETR $path fails");
    is(reply($ftp), "550 $path: No such file or directory", "RETR $path: 550");
}
ok(!defined $ftp->get('canary-abs', $local), 'RETR canary-abs fails');
is(reply($ftp), '550 canary-abs: Not a regular file',
    'a link out of the root is dangling inside it (measured)');
ok(defined $ftp->get('up-rel/inside', $local), 'RETR up-rel/inside: the link stops at the root');
is(read_file($local), "inside\n", 'and reads the home');

# SIZE and MDTM.
for my $path ('../../../../etc/passwd', '/etc/passwd', $canary, $dotdot,
    'etc-abs/passwd', "up-rel/$CANARY", 'canary-abs') {
    ok(!defined $ftp->size($path), "SIZE $path fails");
    is(reply($ftp), "550 $path: No such file or directory", "SIZE $path: 550");
    ok(!defined $ftp->mdtm($path), "MDTM $path fails");
    is(reply($ftp), "550 $path: No such file or directory", "MDTM $path: 550");
}
is($ftp->size('up-rel/inside'), 7, 'SIZE up-rel/inside is the home file');

# Listings: the home, never an outside name (a link's own text aside).
for my $how (['LIST', sub { $ftp->dir(@_) }], ['NLST', sub { $ftp->ls(@_) }],
    # Net::FTP has no MLSD method; its list helper sends any listing verb.
    ['MLSD', sub { $ftp->_list_cmd('MLSD', @_) }]) {
    my ($verb, $list) = @$how;
    for my $path ('../..', '/', 'up-rel', '../../..') {
        my @lines = $list->($path);
        is(code($ftp), 226, "$verb $path: 226");
        ok((grep { /inside/ } @lines), "$verb $path lists the home");
        ok(!(grep { entry($_) =~ /\Q$CANARY\E/ } @lines), "$verb $path: no outside name");
    }
    for my $path ('etc-abs', '/etc') {
        my @lines = $list->($path);
        ok(!(grep { /passwd|hostname/ } @lines), "$verb $path shows nothing of /etc");
    }
    for my $path ('outdir-abs', $out) {
        my @lines = $list->($path);
        ok(!(grep { entry($_) =~ /\Q$CANARY\E/ } @lines), "$verb $path: no outside name");
    }
}

# MLST (Net::FTP has no method: quot sends it and keeps the reply).
for my $path ('/etc/passwd', 'etc-abs/passwd', $dotdot) {
    $ftp->quot('MLST', $path);
    is(reply($ftp), "550 '$path' cannot be listed", "MLST $path (measured)");
}
$ftp->quot('MLST', 'up-rel');
like(reply($ftp), qr/^250 .*type=/s, 'MLST up-rel: the root');
unlike(reply($ftp), qr/\Q$CANARY\E/, 'MLST up-rel: nothing outside');

# STOR through every way out: refused, or lands inside.
write_file("$local_dir/up", "overwritten\n");
for my $case ([$dotdot, 'No such file or directory'],
    [$canary, 'No such file or directory'],
    ["outdir-abs/$CANARY", 'No such file or directory'],
    ['etc-abs/passwd', 'No such file or directory'],
    ['canary-abs', 'Overwrite permission denied']) {
    my ($path, $why) = @$case;
    ok(!defined $ftp->put("$local_dir/up", $path), "STOR $path fails");
    is(reply($ftp), "550 $path: $why", "STOR $path: 550");
}
# 1.3.8 refuses to create anything under /etc or /lib inside a chroot.
ok(!defined $ftp->put("$local_dir/up", '/etc/passwd'), 'STOR /etc/passwd fails');
is(reply($ftp), '550 /etc/passwd: Permission denied', 'STOR /etc/passwd: 550');
ok(defined $ftp->put("$local_dir/up", '../../../escape'), 'STOR ../../../escape');
ok(-f "$home/escape", 'lands in the home');
ok(defined $ftp->put("$local_dir/up", "up-rel/up-$CANARY"), 'STOR through up-rel');
ok(-f "$home/up-$CANARY", 'lands in the home');
ok(!-e "$home/outside", 'no outside/ made inside');

# DELE, RNFR, MKD, RMD.
for my $path ($canary, "outdir-abs/$CANARY", 'etc-abs/passwd') {
    ok(!$ftp->delete($path), "DELE $path fails");
    is(reply($ftp), "550 $path: No such file or directory", "DELE $path: 550");
}
for my $path ('/etc/passwd', $canary, "outdir-abs/$CANARY") {
    ok(!$ftp->rename($path, 'taken'), "RNFR $path fails");
    is(reply($ftp), "550 $path: No such file or directory", "RNFR $path: 550");
}
for my $path ('etc-abs/x', 'outdir-abs/x') {
    ok(!$ftp->mkdir($path), "MKD $path fails");
    is(reply($ftp), "550 $path: No such file or directory", "MKD $path: 550");
}
ok(!$ftp->rmdir('etc-abs'), 'RMD etc-abs fails');
is(reply($ftp), '550 etc-abs: Not a directory', 'RMD etc-abs: 550');
ok($ftp->rename('inside', '../../../renamed'), 'RNTO ../../../renamed');
ok(-f "$home/renamed", 'renamed inside the home');
ok(!$ftp->rename('renamed', 'outdir-abs/renamed'), 'RNTO through an absolute link fails');
is(reply($ftp), '550 outdir-abs/renamed: No such file or directory', 'RNTO: 550 (measured)');
ok($ftp->delete('up-rel'), 'DELE of a link');
ok(!-e "$home/up-rel" && -d $home, 'removes the link only');
ok($ftp->cwd('../../..'), 'CWD ../../..');
is($ftp->pwd, '/', 'stays at /');
ok(!$ftp->cwd('etc-abs'), 'CWD etc-abs fails');
is(reply($ftp), '550 etc-abs: No such file or directory', 'CWD etc-abs: 550');
ok($ftp->quit, 'QUIT');
$srv->stop;

# Nothing outside moved.
is_deeply([names($out)], \@out_before, 'outside: the same names');
is(read_file($canary), "do not touch\n", 'canary: same content');
is_deeply([(stat $canary)[7, 9]], \@canary_before, 'canary: same size and mtime');
is(-s '/etc/passwd', $passwd_size, '/etc/passwd untouched');
done_testing;

# "code text" of the last reply, CRLFs and continuation breaks removed.
sub reply {
    my ($f) = @_;
    my $m = $f->message // '';
    $m =~ s/\s+\z//;
    return $f->code . ' ' . $m;
}

sub code { $_[0]->code }

# A listing line without a symlink's target (its text, not a listing of
# the outside).
sub entry {
    my ($line) = @_;
    $line =~ s/ -> .*//;
    return $line;
}

sub names {
    my ($d) = @_;
    opendir(my $dh, $d) or return ();
    my @n = sort grep { $_ ne '.' && $_ ne '..' } readdir $dh;
    closedir $dh;
    return @n;
}

