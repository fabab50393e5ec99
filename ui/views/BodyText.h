#pragma once

#include <QByteArrayView>
#include <QString>

namespace portico {

// How the inspector shows a captured body: JSON pretty-printed, binary as a hex dump (offset,
// 16 bytes in hex, the same as ASCII), anything else as text.
enum class BodyKind { Empty, Json, Text, Binary };

struct BodyPresentation
{
    BodyKind kind = BodyKind::Empty;
    QString text;
};

// `contentType` is the message's Content-Type (may be empty): JSON is recognised by it or, for
// a body that parses, by the body itself. A JSON body cut short shows as text.
BodyPresentation presentBody(QByteArrayView bytes, QByteArrayView contentType);

// "00000000  47 45 54 20 ...  GET ..."; one line per 16 bytes.
QString hexDump(QByteArrayView bytes);

} // namespace portico
