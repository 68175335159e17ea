# OPTS UTF8 (spec/commands.md 2.1) and the path check of `LangOptions
# RequireValidEncoding` ("Bad bytes" in spec/commands.md 0), as ProFTPD
# 1.3.8 answers them. 1.3.8 checks path bytes only with
# RequireValidEncoding, and only when the server's character set (its
# LC_CTYPE) is not the client's UTF-8; the locale variables are set here.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Test::More;
use ProFTPD::TestServer;

sub server {
    my (%o) = @_;
    local %ENV = %ENV;
    delete @ENV{qw(LC_ALL LC_MESSAGES LC_CTYPE LOCPATH LANGUAGE)};
    $ENV{LANG} = $o{lang} // 'C.UTF-8';
    my $srv = ProFTPD::TestServer->demo(config => $o{config} // '');
    my $c = $srv->raw;
    $c->banner;
    return ($srv, $c);
}

sub has_utf8_feat { scalar grep { $_ eq ' UTF8' } split /\r\n/, $_[0]->cmd('FEAT') }

{
    my ($srv, $c) = server();
    ok(has_utf8_feat($c), 'UTF8 in FEAT');
    my @table = (
        ['OPTS UTF8', "501 'OPTS UTF8' not understood\r\n", 'no argument'],
        ['OPTS UTF8 ON', "200 UTF8 set to on\r\n", 'ON'],
        ['OPTS UTF8 off', "200 UTF8 set to off\r\n", 'off'],
        ['OPTS UTF8 off', "200 UTF8 set to off\r\n", 'off again'],
        ['OPTS UTF8 maybe', "501 'OPTS UTF8' not understood\r\n", 'not a boolean'],
        ['opts utf8 on', "200 UTF8 set to on\r\n", 'lower case'],
        ['OPTS UTF8 on x', "501 'OPTS UTF8' not understood\r\n", 'two words'],
        ['OPTS UTF8 yes', "200 UTF8 set to on\r\n", 'yes'],
        ['OPTS UTF8 0', "200 UTF8 set to off\r\n", '0'],
        ['OPTS UTF8 TRUE', "200 UTF8 set to on\r\n", 'TRUE'],
    );
    is($c->cmd($_->[0]), $_->[1], $_->[2]) for @table;
    $c->login('demo', 'demo');
    is($c->cmd('OPTS UTF8 OFF'), "200 UTF8 set to off\r\n", 'after login');
    is($c->cmd("CWD \xfe"), "550 \xfe: No such file or directory\r\n",
        'no check of path bytes by default');
}

{
    my ($srv, $c) = server(config => "UseEncoding on\n");
    ok(has_utf8_feat($c), 'UseEncoding on: UTF8 in FEAT');
    is($c->cmd('OPTS UTF8 OFF'), "451 Unable to accept OPTS UTF8\r\n", 'OFF refused');
    is($c->cmd('OPTS UTF8 ON'), "200 UTF8 set to on\r\n", 'ON');
}

{
    my ($srv, $c) = server(config => "UseEncoding off\n");
    ok(has_utf8_feat($c), 'UseEncoding off: UTF8 still in FEAT');
    is($c->cmd('OPTS UTF8 ON'), "451 Unable to accept OPTS UTF8\r\n", 'ON refused');
    is($c->cmd('OPTS UTF8 OFF'), "200 UTF8 set to off\r\n", 'OFF');
}

{
    my ($srv, $c) = server(config => "LangOptions PreferServerEncoding\n");
    ok(!has_utf8_feat($c), 'PreferServerEncoding: no UTF8 in FEAT');
    is($c->cmd('OPTS UTF8 OFF'), "200 UTF8 set to off\r\n", 'OFF');
    is($c->cmd('OPTS UTF8 ON'), "451 Unable to accept OPTS UTF8\r\n", 'ON refused');
}

{
    # C locale (ASCII): RequireValidEncoding refuses any byte that does not
    # convert, invalid UTF-8 and valid non-ASCII alike.
    my ($srv, $c) = server(lang => 'C', config => "LangOptions RequireValidEncoding\n");
    $c->login('demo', 'demo');
    my @table = (
        ["CWD \xfe", "550 \xfe: Illegal character sequence in filename\r\n", 'CWD invalid UTF-8'],
        ["MKD \xc3\xa9", "550 \xc3\xa9: Illegal character sequence in filename\r\n",
            'MKD of a non-ASCII name'],
        ["MLST \xfe", "550 \xfe: Illegal character sequence in filename\r\n", 'MLST'],
        ["DELE \xfe", "550 \xfe: Illegal character sequence in filename\r\n", 'DELE'],
        ["RNFR \xfe", "550 \xfe: Illegal character sequence in filename\r\n", 'RNFR'],
        ["MFMT 20200101000000 \xfe", "550 \xfe: Illegal character sequence in filename\r\n",
            'MFMT names its path'],
        ["SIZE \xfe", "550 SIZE not allowed in ASCII mode\r\n", 'SIZE in ASCII mode refuses first'],
        ['CWD plain', "550 plain: No such file or directory\r\n", 'ASCII passes'],
        ['OPTS UTF8 OFF', "200 UTF8 set to off\r\n", 'encoding off'],
        ["MLST \xfe", "550 '\xfe' cannot be listed\r\n", 'then nothing is checked'],
        ['OPTS UTF8 ON', "200 UTF8 set to on\r\n", 'encoding on'],
        ["MLST \xfe", "550 \xfe: Illegal character sequence in filename\r\n", 'checked again'],
    );
    is($c->cmd($_->[0]), $_->[1], $_->[2]) for @table;
}

{
    # A UTF-8 locale: the client's and the server's character sets agree,
    # nothing is converted and nothing is refused.
    my ($srv, $c) = server(lang => 'C.UTF-8', config => "LangOptions RequireValidEncoding\n");
    $c->login('demo', 'demo');
    is($c->cmd("CWD \xfe"), "550 \xfe: No such file or directory\r\n", 'UTF-8 locale: no check');
}
done_testing;
