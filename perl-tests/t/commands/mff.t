# MFF (spec/commands.md 2.2; draft-somers-ftp-mfxx): set `modify`,
# `UNIX.group` and `UNIX.mode`, with ProFTPD 1.3.8's replies.
use strict;
use warnings;
use Cwd qw(realpath);
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Test::More;
use ProFTPD::TestServer qw(is_root);
use ProFTPD::Files qw(session_ids);

my $srv = ProFTPD::TestServer->demo;
my $home = realpath($srv->home('demo'));
my ($uid, $gid) = session_ids();
for my $f ('file.txt', 'sp ace') {
    open(my $fh, '>', "$home/$f") or die $!;
    close $fh;
    chmod 0644, "$home/$f";
    chown $uid, $gid, "$home/$f" if is_root();
}
sub st { (stat "$home/$_[0]")[$_[1]] }

my $c = $srv->raw;
$c->banner;
is($c->cmd('MFF modify=20200101000000; file.txt'), "530 Please login with USER and PASS\r\n",
    'before login');
$c->login('demo', 'demo');
my @table = (
    ['MFF', "501 Invalid number of parameters\r\n", 'no argument'],
    ['MFF modify=20200101000000;', "501 Invalid number of parameters\r\n", 'no path'],
    ['MFF modify=20200101000000 file.txt', "550 modify=20200101000000: Invalid argument\r\n",
        'no ;'],
    ['MFF modify=20200101000000; file.txt', "213 modify=20200101000000; file.txt\r\n", 'modify'],
    ['MFF UNIX.mode=0600;modify=20210101000000; file.txt',
        "213 UNIX.mode=0600;modify=20210101000000; file.txt\r\n", 'two facts'],
    ['MFF UNIX.mode=abc; file.txt', "501 file.txt: Invalid argument\r\n", 'mode not octal'],
    ['MFF UNIX.group=nosuchgroup; file.txt', "501 file.txt: Invalid argument\r\n",
        'unknown group'],
    ['MFF UNIX.groupname=x; file.txt', "501 file.txt: Invalid argument\r\n",
        'UNIX.groupname reads as UNIX.group'],
    ['MFF perm=r; file.txt', "504 Cannot modify fact 'perm=r'\r\n", 'perm'],
    ['MFF UNIX.owner=0; file.txt', "504 Cannot modify fact 'UNIX.owner=0'\r\n", 'UNIX.owner'],
    ['MFF modify; file.txt', "501 modify: Invalid argument\r\n", 'modify without ='],
    ['MFF modify=2020; file.txt', "501 2020: Invalid argument\r\n", 'short timestamp'],
    ['MFF Modify=19000101000000; file.txt', "501 file.txt: Invalid argument\r\n", 'year 1900'],
    ['MFF UNIX.mode=644; nope', "550 nope: No such file or directory\r\n", 'missing file'],
    ['MFF modify=20200101000000;bogus file.txt', "213 modify=20200101000000;bogus file.txt\r\n",
        'a piece after the last ; is ignored'],
    ['MFF UNIX.mode=0640; sp ace', "213 UNIX.mode=0640; sp ace\r\n", 'a path with a space'],
    ["MFF UNIX.group=$gid; file.txt", "213 UNIX.group=$gid; file.txt\r\n", 'own group by number'],
    ['MFF UNIX.group=demo; file.txt', "213 UNIX.group=demo; file.txt\r\n", 'own group by name'],
);
is($c->cmd($_->[0]), $_->[1], $_->[2]) for @table;
is(st('file.txt', 2) & 07777, 0600, 'file.txt is 0600');
is(st('file.txt', 9), 1_577_836_800, 'and at 2020-01-01 (the later modify)');
is(st('sp ace', 2) & 07777, 0640, '"sp ace" is 0640');
is($c->cmd('QUIT'), "221 Goodbye.\r\n", 'QUIT');
done_testing;
