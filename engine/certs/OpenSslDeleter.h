#pragma once

namespace portico {

// Frees an OpenSSL object with its own free function: std::unique_ptr<X509,
// OpenSslDeleter<X509_free>> owns an X509 the way OpenSSL expects.
template<auto Free>
struct OpenSslDeleter
{
    template<typename T>
    void operator()(T *p) const
    {
        Free(p);
    }
};

} // namespace portico
