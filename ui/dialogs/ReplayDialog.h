#pragma once

#include "TrafficReplay.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;

namespace portico {

class FieldErrorLabel;

// "Edit and replay…": a captured request's method, URL, header fields and body, editable before
// it is sent through the gateway again. The capture redacted secrets: a field (or the query)
// that still holds "[redacted]" is named in a warning as you type, since the gateway will see
// that placeholder instead of the key. A binary body is sent as captured, not edited.
class ReplayDialog : public QDialog
{
    Q_OBJECT
public:
    ReplayDialog(const ReplayRequest &request, const QStringList &notes, QWidget *parent = nullptr);

    // The request as edited (valid when accepted).
    ReplayRequest request() const;
    // What the warning says now (empty when nothing is redacted), for tests.
    QString warningText() const;

    QLineEdit *urlEdit() const { return m_url; }
    QPlainTextEdit *headersEdit() const { return m_headers; }

private:
    void check();

    QComboBox *m_method;
    QLineEdit *m_url;
    QPlainTextEdit *m_headers;
    QPlainTextEdit *m_body;
    QLabel *m_warning;
    FieldErrorLabel *m_errors;
    QPushButton *m_send = nullptr;
    QByteArray m_binaryBody; // sent as is when the captured body is not text
    bool m_binary = false;
};

} // namespace portico
