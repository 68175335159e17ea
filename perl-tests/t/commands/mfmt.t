# MFMT (spec/commands.md 2.2; draft-somers-ftp-mfxx): set a file's
# modification time, with ProFTPD 1.3.8's replies.
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
    chown $uid, $gid, "$home/$f" if is_root();
}
sub mtime { (stat "$home/$_[0]")[9] }

my $c = $srv->raw;
$c->banner;
is($c->cmd('MFMT 20200101000000 file.txt'), "530 Please login with USER and PASS\r\n",
    'before login');
$c->login('demo', 'demo');
my @table = (
    ['MFMT', "501 Invalid number of parameters\r\n", 'no argument'],
    ['MFMT 20200101000000', "501 Invalid number of parameters\r\n", 'no path'],
    ['MFMT 2020 file.txt', "501 2020: Invalid argument\r\n", 'short timestamp'],
    ['MFMT 20200101000000 file.txt', "213 Modify=20200101000000; file.txt\r\n", 'set'],
    ['MFMT 20200101000000.123 file.txt', "213 Modify=20200101000000; file.txt\r\n",
        'fraction ignored'],
    ['MFMT 20201301000000 file.txt', "501 file.txt: Invalid argument\r\n", 'month 13'],
    ['MFMT 19690101000000 file.txt', "501 file.txt: Invalid argument\r\n", 'before 1970'],
    ['MFMT abcdefghijklmn file.txt', "501 file.txt: Invalid argument\r\n", 'not digits'],
    ['MFMT 2020010100000x file.txt', "213 Modify=2020010100000x; file.txt\r\n",
        'trailing junk in the seconds (atoi)'],
    ['MFMT 20200101000000 nope', "550 nope: No such file or directory\r\n", 'missing file'],
    ['MFMT 20200101000000  file.txt', "550  file.txt: No such file or directory\r\n",
        'the path starts after the first space'],
    ['MFMT 20210203040506 sp ace', "213 Modify=20210203040506; sp ace\r\n", 'a path with a space'],
);
is($c->cmd($_->[0]), $_->[1], $_->[2]) for @table;
is(mtime('file.txt'), 1_577_836_800, 'file.txt is at 2020-01-01 00:00:00 UTC');
is(mtime('sp ace'), 1_612_325_106, '"sp ace" is at 2021-02-03 04:05:06 UTC');
is($c->cmd('MFMT 20200230246060 file.txt'), "213 Modify=20200230246060; file.txt\r\n",
    'fields are not normalised first');
is(mtime('file.txt'), 1_583_110_860, '30 February 24:60:60 is 2 March 01:01:00');
is($c->cmd('QUIT'), "221 Goodbye.\r\n", 'QUIT');
done_testing;
