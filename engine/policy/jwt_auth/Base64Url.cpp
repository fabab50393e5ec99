#include "Base64Url.h"

namespace portico {

namespace {

// The 6-bit value of a base64url character, or -1.
int sextet(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '-')
        return 62;
    if (c == '_')
        return 63;
    return -1;
}

} // namespace

std::optional<QByteArray> decodeBase64Url(QByteArrayView text)
{
    // A lone trailing character carries only 6 bits: never a whole byte.
    if (text.size() % 4 == 1)
        return std::nullopt;
    for (char c : text) {
        if (sextet(c) < 0)
            return std::nullopt;
    }
    // Qt accepts "=" padding even with OmitTrailingEquals, so the loop above is what rejects it;
    // the trailing-bit check rejects the variants that decode to the same bytes.
    if (!text.isEmpty()) {
        const int last = sextet(text.back());
        if ((text.size() % 4 == 2 && (last & 0x0f)) || (text.size() % 4 == 3 && (last & 0x03)))
            return std::nullopt;
    }
    auto result = QByteArray::fromBase64Encoding(text.toByteArray(),
                                                 QByteArray::Base64UrlEncoding
                                                     | QByteArray::OmitTrailingEquals
                                                     | QByteArray::AbortOnBase64DecodingErrors);
    if (!result)
        return std::nullopt;
    return std::move(result.decoded);
}

QByteArray encodeBase64Url(QByteArrayView bytes)
{
    return bytes.toByteArray().toBase64(QByteArray::Base64UrlEncoding
                                        | QByteArray::OmitTrailingEquals);
}

} // namespace portico
