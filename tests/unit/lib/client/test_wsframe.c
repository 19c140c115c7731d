/* lib/client/wsframe: the RFC 6455 framing pieces the client (club-bench, the tests) and
 * club-bench-echo share: the mask round trip, every header form both ways, the protocol errors
 * a header can carry, the RFC's accept example, and header lookups in an HTTP head. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "client/wsframe.h"

static void test_mask_round_trip(void **state)
{
    (void)state;
    uint8_t key[4] = {0x37, 0xfa, 0x21, 0x3d};
    uint8_t buf[300], orig[300];
    for (size_t i = 0; i < sizeof buf; i++)
        orig[i] = buf[i] = (uint8_t)(i * 7);
    for (size_t n = 0; n < 40; n++) {
        club_wsf_mask(buf, n, key);
        for (size_t i = 0; i < n; i++)
            assert_int_equal(buf[i], orig[i] ^ key[i & 3]);
        club_wsf_mask(buf, n, key);
        assert_memory_equal(buf, orig, n);
    }
    /* an unaligned start lines the key up with p[0], not with the address */
    memcpy(buf, orig, sizeof buf);
    club_wsf_mask(buf + 3, 21, key);
    for (size_t i = 0; i < 21; i++)
        assert_int_equal(buf[3 + i], orig[3 + i] ^ key[i & 3]);
}

static void test_header_forms(void **state)
{
    (void)state;
    uint8_t key[4] = {0x37, 0xfa, 0x21, 0x3d};
    static const uint64_t lens[] = {0, 5, 125, 126, 65535, 65536, 1u << 20, (uint64_t)1 << 40};
    static const size_t unmasked[] = {2, 2, 2, 4, 4, 10, 10, 10};
    for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++) {
        for (int masked = 0; masked < 2; masked++) {
            for (int fin = 0; fin < 2; fin++) {
                uint8_t h[CLUB_WSF_MAX_HDR];
                size_t hl = club_wsf_hdr(h, CLUB_WSF_BINARY, fin, lens[k], masked ? key : NULL);
                assert_int_equal(hl, unmasked[k] + (masked ? 4 : 0));
                club_wsf_frame_t f;
                assert_int_equal(club_wsf_parse(h, hl, &f), 1);
                assert_int_equal(f.hdr, hl);
                assert_true(f.len == lens[k]);
                assert_int_equal(f.fin, fin);
                assert_int_equal(f.masked, masked);
                assert_int_equal(f.opcode, CLUB_WSF_BINARY);
                if (masked) assert_memory_equal(f.key, key, 4);
                /* every shorter prefix asks for more */
                for (size_t n = 0; n < hl; n++)
                    assert_int_equal(club_wsf_parse(h, n, &f), 0);
            }
        }
    }
    /* a continuation without FIN, and the control opcodes */
    uint8_t h[CLUB_WSF_MAX_HDR];
    club_wsf_frame_t f;
    club_wsf_hdr(h, CLUB_WSF_CONT, false, 3, NULL);
    assert_int_equal(h[0], 0x00);
    assert_int_equal(club_wsf_parse(h, 2, &f), 1);
    assert_int_equal(f.opcode, CLUB_WSF_CONT);
    assert_false(f.fin);
    static const int ctl[] = {CLUB_WSF_CLOSE, CLUB_WSF_PING, CLUB_WSF_PONG};
    for (size_t i = 0; i < 3; i++) {
        club_wsf_hdr(h, ctl[i], true, 125, NULL);
        assert_int_equal(club_wsf_parse(h, 2, &f), 1);
        assert_int_equal(f.opcode, ctl[i]);
    }
}

static void test_protocol_errors(void **state)
{
    (void)state;
    static const struct {
        const char *what;
        uint8_t bytes[10];
        size_t n;
    } bad[] = {
        {"RSV1", {0xc2, 0x00}, 2},
        {"RSV2", {0xa2, 0x00}, 2},
        {"RSV3", {0x92, 0x00}, 2},
        {"data opcode 3", {0x83, 0x00}, 2},
        {"data opcode 7", {0x87, 0x00}, 2},
        {"control opcode 0xB", {0x8b, 0x00}, 2},
        {"control opcode 0xF", {0x8f, 0x00}, 2},
        {"ping over 125 bytes", {0x89, 126, 0, 200}, 4},
        {"close over 125 bytes", {0x88, 126, 0, 126}, 4},
        {"fragmented ping", {0x09, 0x00}, 2},
        {"64-bit length with the top bit", {0x82, 127, 0x80, 0, 0, 0, 0, 0, 0, 0}, 10},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        club_wsf_frame_t f;
        if (club_wsf_parse(bad[i].bytes, bad[i].n, &f) != -1)
            fail_msg("%s: not refused", bad[i].what);
    }
}

static void test_key_and_accept(void **state)
{
    (void)state;
    /* RFC 6455 section 1.3 */
    char acc[29];
    club_wsf_accept("dGhlIHNhbXBsZSBub25jZQ==", 24, acc);
    assert_string_equal(acc, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    char k1[25], k2[25];
    assert_int_equal(club_wsf_key(k1), 0);
    assert_int_equal(club_wsf_key(k2), 0);
    assert_int_equal(strlen(k1), 24);
    assert_string_equal(k1 + 22, "=="); /* base64 of 16 bytes */
    assert_string_not_equal(k1, k2);
}

static void test_http_headers(void **state)
{
    (void)state;
    static const char head[] = "HTTP/1.1 101 Switching Protocols\r\n"
                               "upgrade:websocket\r\n"
                               "Connection:  keep-alive, Upgrade \t\r\n"
                               "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
                               "X-Empty:\r\n"
                               "\r\n"
                               "Not-A-Header: after the blank line\r\n";
    const char *v;
    size_t vl;
    size_t n = sizeof head - 1;
    assert_true(club_wsf_http_header(head, n, "Upgrade", &v, &vl));
    assert_int_equal(vl, 9);
    assert_memory_equal(v, "websocket", 9);
    assert_true(club_wsf_http_header(head, n, "CONNECTION", &v, &vl));
    assert_int_equal(vl, strlen("keep-alive, Upgrade"));
    assert_true(club_wsf_http_has_token(v, vl, "upgrade"));
    assert_true(club_wsf_http_has_token(v, vl, "Keep-Alive"));
    assert_false(club_wsf_http_has_token(v, vl, "keep"));
    assert_false(club_wsf_http_has_token(v, vl, ""));
    assert_true(club_wsf_http_header(head, n, "X-Empty", &v, &vl));
    assert_int_equal(vl, 0);
    assert_false(club_wsf_http_header(head, n, "Sec-WebSocket", &v, &vl)); /* a prefix */
    assert_false(club_wsf_http_header(head, n, "Not-A-Header", &v, &vl));
    assert_false(club_wsf_http_header(head, n, "HTTP/1.1 101 Switching Protocols", &v, &vl));
    /* a head cut inside a header's name: that header is not found, the ones before are */
    size_t cut = (size_t)(strstr(head, "Sec-WebSocket-Accept") - head) + 10;
    assert_false(club_wsf_http_header(head, cut, "Sec-WebSocket-Accept", &v, &vl));
    assert_true(club_wsf_http_header(head, cut, "Upgrade", &v, &vl));
    assert_true(club_wsf_http_has_token("club.v1", 7, "club.v1"));
    assert_false(club_wsf_http_has_token("club.v1", 6, "club.v1"));
    assert_true(club_wsf_http_has_token(" a ,b,, club.v1 ", 16, "club.v1"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mask_round_trip), cmocka_unit_test(test_header_forms),
        cmocka_unit_test(test_protocol_errors), cmocka_unit_test(test_key_and_accept),
        cmocka_unit_test(test_http_headers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
