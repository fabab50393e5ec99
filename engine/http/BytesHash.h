#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <functional>
#include <string_view>

namespace portico {

// Hashing for byte-string keys looked up on the request path (upstream pools, consumer
// names, key digests). Qt 6.4's qHash(QByteArray) takes about 150 ns for keys shorter than
// 16 bytes here (measured: its AES path), twenty times libstdc++'s hash; a pool lookup by
// "host:port" paid that twice per request. Use with std::unordered_map.
struct BytesHash
{
    size_t operator()(QByteArrayView bytes) const noexcept
    {
        return std::hash<std::string_view>{}(
            std::string_view(bytes.data(), size_t(bytes.size())));
    }
    size_t operator()(const QByteArray &bytes) const noexcept
    {
        return (*this)(QByteArrayView(bytes));
    }
};

} // namespace portico
