#include "CaptureText.h"

#include <QStringDecoder>

namespace portico {

bool isUtf8(QByteArrayView bytes)
{
    // Stateless: a sequence cut off at the end is an error too. A leading BOM stays a
    // character, so the text converts back to the same bytes.
    QStringDecoder decoder(QStringDecoder::Utf8,
                           QStringDecoder::Flag::Stateless
                               | QStringDecoder::Flag::ConvertInitialBom);
    const QString text = decoder.decode(bytes);
    return !decoder.hasError();
}

QString captureText(QByteArrayView bytes)
{
    return isUtf8(bytes) ? QString::fromUtf8(bytes) : QString::fromLatin1(bytes);
}

QByteArray requestUrl(const CaptureRecord &record)
{
    if (!record.target.startsWith('/') && record.target.contains("://"))
        return record.target; // absolute form
    return record.scheme + "://" + record.host + record.target;
}

} // namespace portico
