#pragma once

#include <QDialog>

class QPlainTextEdit;
class QPushButton;

namespace portico {

// After the local CA's certificate is exported: how to make the system, browsers and tools
// trust that file, as read-only text with a Copy button (the commands are for a terminal).
class TrustInstructionsDialog : public QDialog
{
    Q_OBJECT
public:
    explicit TrustInstructionsDialog(const QString &caFile, QWidget *parent = nullptr);

    QString instructions() const;
    void copyInstructions(); // what the Copy button does

private:
    QPlainTextEdit *m_text;
    QPushButton *m_copy;
};

} // namespace portico
