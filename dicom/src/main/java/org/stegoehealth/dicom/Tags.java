package org.stegoehealth.dicom;

/**
 * The data elements this package reads or writes, as {@code (group << 16) | element}, named as in PS3.6 Table 6-1
 * (the registry of DICOM data elements) and Table 7-1 (File Meta Information elements).
 */
final class Tags {

    private Tags() {}

    // File Meta Information, PS3.10 7.1 (always explicit VR little endian)
    static final int FILE_META_INFORMATION_GROUP_LENGTH = 0x00020000; // UL
    static final int FILE_META_INFORMATION_VERSION = 0x00020001; // OB
    static final int MEDIA_STORAGE_SOP_CLASS_UID = 0x00020002; // UI
    static final int MEDIA_STORAGE_SOP_INSTANCE_UID = 0x00020003; // UI
    static final int TRANSFER_SYNTAX_UID = 0x00020010; // UI
    static final int IMPLEMENTATION_CLASS_UID = 0x00020012; // UI
    static final int IMPLEMENTATION_VERSION_NAME = 0x00020013; // SH

    static final int IMAGE_TYPE = 0x00080008; // CS
    static final int INSTANCE_CREATION_DATE = 0x00080012; // DA
    static final int INSTANCE_CREATION_TIME = 0x00080013; // TM
    static final int SOP_CLASS_UID = 0x00080016; // UI
    static final int SOP_INSTANCE_UID = 0x00080018; // UI
    static final int STUDY_DATE = 0x00080020; // DA
    static final int STUDY_TIME = 0x00080030; // TM
    static final int ACCESSION_NUMBER = 0x00080050; // SH
    static final int MODALITY = 0x00080060; // CS
    static final int CONVERSION_TYPE = 0x00080064; // CS
    static final int REFERRING_PHYSICIAN_NAME = 0x00080090; // PN
    static final int DERIVATION_DESCRIPTION = 0x00082111; // ST
    static final int PATIENT_NAME = 0x00100010; // PN
    static final int PATIENT_ID = 0x00100020; // LO
    static final int PATIENT_BIRTH_DATE = 0x00100030; // DA
    static final int PATIENT_SEX = 0x00100040; // CS
    static final int STUDY_INSTANCE_UID = 0x0020000D; // UI
    static final int SERIES_INSTANCE_UID = 0x0020000E; // UI
    static final int STUDY_ID = 0x00200010; // SH
    static final int SERIES_NUMBER = 0x00200011; // IS
    static final int INSTANCE_NUMBER = 0x00200013; // IS
    static final int PATIENT_ORIENTATION = 0x00200020; // CS
    static final int LATERALITY = 0x00200060; // CS
    static final int SAMPLES_PER_PIXEL = 0x00280002; // US
    static final int PHOTOMETRIC_INTERPRETATION = 0x00280004; // CS
    static final int NUMBER_OF_FRAMES = 0x00280008; // IS
    static final int ROWS = 0x00280010; // US
    static final int COLUMNS = 0x00280011; // US
    static final int BITS_ALLOCATED = 0x00280100; // US
    static final int BITS_STORED = 0x00280101; // US
    static final int HIGH_BIT = 0x00280102; // US
    static final int PIXEL_REPRESENTATION = 0x00280103; // US
    static final int WINDOW_CENTER = 0x00281050; // DS
    static final int WINDOW_WIDTH = 0x00281051; // DS
    static final int RESCALE_INTERCEPT = 0x00281052; // DS
    static final int RESCALE_SLOPE = 0x00281053; // DS
    static final int LOSSY_IMAGE_COMPRESSION = 0x00282110; // CS
    static final int LOSSY_IMAGE_COMPRESSION_RATIO = 0x00282112; // DS
    static final int LOSSY_IMAGE_COMPRESSION_METHOD = 0x00282114; // CS
    static final int PIXEL_DATA = 0x7FE00010; // OB or OW

    // item and delimiters of sequences, PS3.5 7.5
    static final int ITEM = 0xFFFEE000;
    static final int ITEM_DELIMITATION = 0xFFFEE00D;
    static final int SEQUENCE_DELIMITATION = 0xFFFEE0DD;

    /** "(gggg,eeee)", as the standard and the DICOM tools print a tag. */
    static String format(int tag) {
        return String.format("(%04X,%04X)", tag >>> 16, tag & 0xFFFF);
    }
}
