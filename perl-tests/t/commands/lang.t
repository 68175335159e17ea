# LANG (spec/commands.md 2.1; RFC 2640 4) and the LANG FEAT line, as
# ProFTPD 1.3.8 (mod_lang/1.1) answers them. The languages are the
# LangPath directories holding LC_MESSAGES/proftpd.mo whose name is an
# installed locale; with none, the daemon's own language (its LC_MESSAGES
# from the environment, `en_US` for the C locale). LangPath points into the
# test directory and the locale variables are set here, so the results do
# not depend on the locales of the machine.
use strict;
use warnings;
use FindBin;
use File::Path qw(make_path);
use lib "$FindBin::Bin/../../lib";
use Test::More;
use ProFTPD::TestServer;

sub server {
    my (%o) = @_;
    local %ENV = %ENV;
    delete @ENV{qw(LC_ALL LC_MESSAGES LC_CTYPE LOCPATH LANGUAGE)};
    $ENV{LANG} = $o{lang};
    my $srv = ProFTPD::TestServer->demo(
        config => "LangPath {dir}/locale\n" . ($o{config} // ''), no_start => 1);
    make_path($srv->dir . '/locale');
    for my $l (@{ $o{catalogs} // [] }) {
        make_path($srv->dir . "/locale/$l/LC_MESSAGES");
        open(my $fh, '>', $srv->dir . "/locale/$l/LC_MESSAGES/proftpd.mo") or die $!;
        close $fh;
    }
    my $err = $srv->try_start;
    die "start: $err\n" . $srv->diagnostics if $err;
    my $c = $srv->raw;
    $c->banner;
    return ($srv, $c);
}

sub lang_feat {
    my ($c) = @_;
    return join '|', map { substr($_, 1) } grep { /^ (?:LANG|UTF8)/ } split /\r\n/, $c->cmd('FEAT');
}

{
    my ($srv, $c) = server(lang => 'C.UTF-8');
    is(lang_feat($c), 'LANG C.UTF-8*|UTF8', 'LANG=C.UTF-8, no catalogs: the locale is the list');
    my @table = (
        ['LANG', "200 Using default language C.UTF-8\r\n", 'no argument'],
        ['LANG en', "504 Language en not supported\r\n", 'en'],
        ['LANG en-US', "504 Language en-US not supported\r\n", 'en-US'],
        ['LANG C.utf8', "504 Language C.utf8 not supported\r\n", 'another spelling'],
        ['LANG c.utf-8', "200 Using language c.utf-8\r\n", 'case-insensitive'],
        ['LANG C.UTF-8', "200 Using language C.UTF-8\r\n", 'the listed one'],
        ['LANG a b', "501 Invalid number of parameters\r\n", 'two words'],
    );
    is($c->cmd($_->[0]), $_->[1], $_->[2]) for @table;
    $c->login('demo', 'demo');
    is($c->cmd('LANG'), "500 Unable to handle command\r\n", 'after login');
    is($c->cmd('LANG C.UTF-8'), "500 Unable to handle command\r\n", 'after login, a tag');
}

{
    my ($srv, $c) = server(lang => 'C');
    is(lang_feat($c), 'LANG en-US*|UTF8', 'LANG=C: en_US');
    is($c->cmd('LANG'), "200 Using default language en_US\r\n", 'default en_US');
    is($c->cmd('LANG en'), "504 Language en not supported\r\n", 'en');
    is($c->cmd('LANG en-us'), "200 Using language en-us\r\n", 'en-us matches en_US');
    is(lang_feat($c), 'LANG en-US*|UTF8', 'still marked');
}

{
    # Catalogs: C.UTF-8 is an installed locale; xx_YY is not (nor
    # xx_YY.UTF-8), so it is skipped.
    my ($srv, $c) = server(lang => 'C', catalogs => ['C.UTF-8', 'xx_YY']);
    is(lang_feat($c), 'LANG C.UTF-8|UTF8', 'the list, without a * (en_US is not in it)');
    is($c->cmd('LANG'), "200 Using default language en_US\r\n", 'the default is still en_US');
    is($c->cmd('LANG en-US'), "504 Language en-US not supported\r\n", 'but it is not listed');
    is($c->cmd('LANG xx-YY'), "504 Language xx-YY not supported\r\n", 'not an installed locale');
    is($c->cmd('LANG C.UTF-8'), "200 Using language C.UTF-8\r\n", 'the listed one');
    is(lang_feat($c), 'LANG C.UTF-8*|UTF8', 'now marked');
}

{
    my ($srv, $c) = server(lang => 'C', catalogs => ['C.UTF-8'],
        config => "LangDefault C.UTF-8\n");
    is(lang_feat($c), 'LANG C.UTF-8*|UTF8', 'LangDefault picks a listed language');
    is($c->cmd('LANG'), "200 Using default language C.UTF-8\r\n", 'and is the default');
}

{
    my ($srv, $c) = server(lang => 'C', config => "LangDefault fr_FR\n");
    is(lang_feat($c), 'LANG en-US*|UTF8', 'an unsupported LangDefault is dropped');
}

{
    my ($srv, $c) = server(lang => 'C.UTF-8', config => "LangEngine off\n");
    is(lang_feat($c), '', 'LangEngine off: neither LANG nor UTF8 in FEAT');
    is($c->cmd('LANG'), "500 LANG not understood\r\n", 'LANG is unknown');
}
done_testing;
