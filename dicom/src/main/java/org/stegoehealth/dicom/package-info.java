/**
 * The small part of DICOM the project speaks, with no Kafka and no third-party library: reading a chest X-ray from
 * an uncompressed DICOM Part 10 file ({@link org.stegoehealth.dicom.DicomReader}) and writing a recovered one as a
 * Secondary Capture object ({@link org.stegoehealth.dicom.SecondaryCaptureWriter}).
 *
 * <p>References are to the DICOM standard (2024 editions): PS3.5 (data structures and encoding: data elements 7.1,
 * value representations 6.2, sequences 7.5, native pixel data 8.1, transfer syntaxes 10 and Annex A, UIDs 9 and
 * Annex B), PS3.10 (the media file format: preamble, "DICM" prefix and File Meta Information, 7.1), PS3.3 (the
 * Secondary Capture Image IOD A.8.1 and the modules it uses, the Image Pixel module C.7.6.3, the General Image
 * module C.7.6.1) and PS3.6 (the data dictionary: every tag used here is named in {@link
 * org.stegoehealth.dicom.Tags}).
 */
package org.stegoehealth.dicom;
